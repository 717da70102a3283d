// Hooks through which identity signatures (engine/identity/) plug into the core.
// The core only carries the signature fields; it never checks them itself.
import type { BatchContribution, BatchTranscript } from '../format/types.js';

/** Signs the participant's identity with the secret of one sub-ceremony (BLS, G1). */
export type IdentitySigner = (secret: Uint8Array, subCeremony: number) => string | Promise<string>;

/** Signatures of a contribution after the coordinator checked them: invalid ones become ''. */
export interface PrunedSignatures {
  /** One per sub-ceremony: the BLS signature of the identity, or ''. */
  blsSignatures: string[];
  /** EIP-712 ECDSA signature of the pubkeys, or ''. */
  ecdsaSignature: string;
}

/** Verifies and prunes the signatures of a verified contribution (sequencer spec). */
export type SignaturePruner = (contribution: BatchContribution, participantId: string) => PrunedSignatures | Promise<PrunedSignatures>;

/** Keeps the signatures as they are (no identity verification). */
export const keepSignatures: SignaturePruner = (contribution) => ({
  blsSignatures: contribution.contributions.map((sub) => sub.blsSignature ?? ''),
  ecdsaSignature: contribution.ecdsaSignature ?? '',
});

/** Checks the signatures recorded in a transcript; returns a message per invalid entry. */
export type TranscriptSignatureVerifier = (transcript: BatchTranscript) => Promise<string[]> | string[];
