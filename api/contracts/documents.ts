// The documents the API hands out and takes as they are stored: the KZG ceremony's BatchContribution
// and BatchTranscript (the engine parses them; these schemas describe them), and signed receipts.
import { z } from 'zod';
import { g1Hex, g1HexOrEmpty, g2Hex, isoTime, positive, sha256Hex, text } from './primitives.js';
import { named } from './registry.js';

const powersOfTau = z.object({ G1Powers: z.array(g1Hex.describe('compressed G1 point')), G2Powers: z.array(g2Hex.describe('compressed G2 point')) }).strict();
const powerCounts = { numG1Powers: z.number().int().min(2).describe('G1 powers'), numG2Powers: z.number().int().min(2).describe('G2 powers') };

export const SubContributionSchema = named(
  'SubContribution',
  z
    .object({
      ...powerCounts,
      powersOfTau,
      potPubkey: g2Hex.describe('[x]_2 of the contributor secret (required in an upload, absent in handed-out powers)').optional(),
      blsSignature: g1HexOrEmpty.describe('BLS signature of the identity (G1) or empty').optional(),
      bls_signature: g1HexOrEmpty.describe('accepted in an upload instead of blsSignature (not both)').optional(),
    })
    .strict(),
);
export const BatchContributionSchema = named(
  'BatchContribution',
  z.object({ contributions: z.array(SubContributionSchema).min(1), ecdsaSignature: text('EIP-712 signature over the pubkeys, or empty').optional() }).strict(),
  'The KZG ceremony BatchContribution JSON: handed out by contribution/start, uploaded to contribution/complete',
);
export const SubTranscriptSchema = named(
  'SubTranscript',
  z
    .object({
      ...powerCounts,
      powersOfTau,
      witness: z
        .object({
          runningProducts: z.array(g1Hex.describe('G1 point')),
          potPubkeys: z.array(g2Hex.describe('G2 point')),
          blsSignatures: z.array(g1HexOrEmpty.describe('G1 point or empty')),
        })
        .strict(),
    })
    .strict(),
);
export const BatchTranscriptSchema = named(
  'BatchTranscript',
  z
    .object({
      transcripts: z.array(SubTranscriptSchema).min(1),
      participantIds: z.array(text('identity per contribution, empty for the initial entry')),
      participantEcdsaSignatures: z.array(text('EIP-712 ECDSA signature per contribution, or empty')),
    })
    .strict(),
  'The KZG ceremony BatchTranscript JSON',
);

export const ReceiptPayloadSchema = named(
  'ReceiptPayload',
  z.object({
    version: z.literal(1),
    ceremonyId: text('ceremony id'),
    identity: text('identity string'),
    sequence: positive('sequence number of the contribution'),
    transcriptSha256Before: sha256Hex.describe('transcript hash before'),
    transcriptSha256After: sha256Hex.describe('transcript hash after'),
    potPubkeys: z.array(g2Hex.describe('G2 point')),
    acceptedAt: isoTime('when the contribution was accepted'),
  }),
);
export const RoundReceiptPayloadSchema = named(
  'RoundReceiptPayload',
  z.object({
    version: z.literal(1),
    kind: z.literal('round-contribution'),
    ceremonyId: text('ceremony id'),
    round: positive('the round'),
    identity: text('identity string'),
    contributions: z.array(z.object({ chunk: z.number().int().min(0).describe('chunk index'), uploadKey: text('the accepted chunk upload'), pubkey: g2Hex.describe('G2 point').optional() })),
    aggregatedSha256: sha256Hex.describe("SHA-256 of the round's aggregated transcript"),
    issuedAt: isoTime('when the receipt was issued'),
  }),
);
export const ReceiptSchema = named(
  'Receipt',
  z.object({
    jws: text('compact JWS (EdDSA) over the payload; typ ceremony-receipt+jws for a turn, ceremony-round-receipt+jws for a round; keys at /ceremony/info'),
    payload: z.union([ReceiptPayloadSchema, RoundReceiptPayloadSchema]),
  }),
);
