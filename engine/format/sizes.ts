// Sub-ceremony sizes: the spec default and the `G1:G2,G1:G2` text form of the CLI.
import { InvalidInputError } from '../errors.js';
import type { InputLimits } from '../limits.js';
import type { SubCeremonySize } from './types.js';

/** The Ethereum KZG ceremony: 2^12..2^15 G1 powers, 65 G2 powers each. */
export const SPEC_SIZES: readonly SubCeremonySize[] = Object.freeze([
  { numG1Powers: 4096, numG2Powers: 65 },
  { numG1Powers: 8192, numG2Powers: 65 },
  { numG1Powers: 16384, numG2Powers: 65 },
  { numG1Powers: 32768, numG2Powers: 65 },
]);

/** Throws unless 2 <= numG2Powers <= numG1Powers and both are within the limits. */
export function assertValidSize(size: SubCeremonySize, limits: InputLimits, subCeremony: number): void {
  const { numG1Powers: g1, numG2Powers: g2 } = size;
  if (!Number.isSafeInteger(g1) || !Number.isSafeInteger(g2) || g2 < 2 || g1 < g2) {
    throw new InvalidInputError('INVALID_SCHEMA', `sub-ceremony ${subCeremony}: sizes must satisfy 2 <= numG2Powers <= numG1Powers (got ${g1}:${g2})`, { subCeremony });
  }
  if (g1 > limits.maxG1Powers || g2 > limits.maxG2Powers) {
    throw new InvalidInputError('LIMIT_EXCEEDED', `sub-ceremony ${subCeremony}: ${g1}:${g2} powers exceed the limits ${limits.maxG1Powers}:${limits.maxG2Powers}`, { subCeremony });
  }
}

/** Parses `4096:65,8192:65` into sizes; throws a plain Error with a usage message. */
export function parseSizesText(text: string, limits: InputLimits): SubCeremonySize[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part === '')) throw new Error(`invalid --sizes '${text}'`);
  if (parts.length > limits.maxSubCeremonies) {
    throw new Error(`--sizes lists ${parts.length} sub-ceremonies, more than the limit ${limits.maxSubCeremonies}`);
  }
  return parts.map((part, index) => {
    const match = /^(\d{1,9}):(\d{1,9})$/.exec(part);
    if (match === null) throw new Error(`invalid size '${part}': expected G1POWERS:G2POWERS, e.g. 4096:65`);
    const size = { numG1Powers: Number(match[1]), numG2Powers: Number(match[2]) };
    try {
      assertValidSize(size, limits, index);
    } catch (err) {
      throw new Error(err instanceof Error ? err.message : String(err));
    }
    return size;
  });
}

export function formatSizes(sizes: readonly SubCeremonySize[]): string {
  return sizes.map((s) => `${s.numG1Powers}:${s.numG2Powers}`).join(',');
}
