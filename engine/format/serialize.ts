// Canonical serialisation: the layout the Rust sequencer writes
// (serde_json::to_writer_pretty): keys in schema order, two-space indentation,
// one array item per line, no trailing newline. It equals JSON.stringify(v, null, 2)
// on objects built with the keys in that order. BLS signatures are written as
// `blsSignature`; optional contribution fields are written only when present.
import type { BatchContribution, BatchTranscript, PowersOfTau, SubContribution, SubTranscript } from './types.js';

function powersJson(p: PowersOfTau): Record<string, string[]> {
  return { G1Powers: p.g1Powers, G2Powers: p.g2Powers };
}

function subTranscriptJson(t: SubTranscript): Record<string, unknown> {
  return {
    numG1Powers: t.numG1Powers,
    numG2Powers: t.numG2Powers,
    powersOfTau: powersJson(t.powersOfTau),
    witness: {
      runningProducts: t.witness.runningProducts,
      potPubkeys: t.witness.potPubkeys,
      blsSignatures: t.witness.blsSignatures,
    },
  };
}

function subContributionJson(c: SubContribution): Record<string, unknown> {
  const out: Record<string, unknown> = {
    numG1Powers: c.numG1Powers,
    numG2Powers: c.numG2Powers,
    powersOfTau: powersJson(c.powersOfTau),
  };
  if (c.potPubkey !== undefined) out.potPubkey = c.potPubkey;
  if (c.blsSignature !== undefined) out.blsSignature = c.blsSignature;
  return out;
}

export function serializeBatchTranscript(t: BatchTranscript): string {
  return JSON.stringify(
    {
      transcripts: t.transcripts.map(subTranscriptJson),
      participantIds: t.participantIds,
      participantEcdsaSignatures: t.participantEcdsaSignatures,
    },
    null,
    2,
  );
}

export function serializeBatchContribution(c: BatchContribution): string {
  const out: Record<string, unknown> = { contributions: c.contributions.map(subContributionJson) };
  if (c.ecdsaSignature !== undefined) out.ecdsaSignature = c.ecdsaSignature;
  return JSON.stringify(out, null, 2);
}
