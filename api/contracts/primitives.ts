// Field schemas the contracts share: hashes, curve points, instants, counts.
import { z } from 'zod';
import { G1_BYTES, G2_BYTES } from '../../engine/format/hex.js';

const hexOf = (bytes: number): RegExp => new RegExp(`^0x[0-9a-f]{${2 * bytes}}$`);

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
/** A compressed G1 point, lowercase 0x-hex. */
export const g1Hex = z.string().regex(hexOf(G1_BYTES));
/** A compressed G2 point, lowercase 0x-hex. */
export const g2Hex = z.string().regex(hexOf(G2_BYTES));
/** A G1 point, or empty where none was given. */
export const g1HexOrEmpty = z.union([g1Hex, z.literal('')]);
export const count = (description: string) => z.number().int().min(0).describe(description);
export const positive = (description: string) => z.number().int().min(1).describe(description);
export const epochMs = (description: string) => z.number().int().min(0).describe(`${description} (milliseconds since the epoch)`);
export const isoTime = (description: string) => z.iso.datetime().describe(description);
export const text = (description: string) => z.string().describe(description);
