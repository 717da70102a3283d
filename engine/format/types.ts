// In-memory model of the Ethereum KZG ceremony JSON documents. Points stay as
// their lowercase 0x-hex strings (already checked for shape), so a parsed file
// serialises back byte for byte; they are decoded to curve points only when a
// check needs them.

/** Sizes of one sub-ceremony: numG1Powers >= numG2Powers >= 2. */
export interface SubCeremonySize {
  numG1Powers: number;
  numG2Powers: number;
}

export interface PowersOfTau {
  /** Compressed G1 points, `0x` + 96 lowercase hex digits. */
  g1Powers: string[];
  /** Compressed G2 points, `0x` + 192 lowercase hex digits. */
  g2Powers: string[];
}

export interface Witness {
  /** [tau_1 * ... * tau_k]_1 after each contribution k, starting with the G1 generator. */
  runningProducts: string[];
  /** [tau_k]_2 of each contribution k, starting with the G2 generator. */
  potPubkeys: string[];
  /** BLS signature of the identity per contribution (G1 hex) or '' when absent or pruned. */
  blsSignatures: string[];
}

export interface SubTranscript extends SubCeremonySize {
  powersOfTau: PowersOfTau;
  witness: Witness;
}

export interface BatchTranscript {
  transcripts: SubTranscript[];
  /** Identity per contribution ('' for the initial entry and anonymous contributors). */
  participantIds: string[];
  /** EIP-712 ECDSA signature per contribution, or ''. */
  participantEcdsaSignatures: string[];
}

export interface SubContribution extends SubCeremonySize {
  powersOfTau: PowersOfTau;
  /** [x]_2 of the contributor's secret; absent in a file handed out for contributing. */
  potPubkey?: string;
  /** BLS signature of the identity (G1 hex) or ''. Read from `blsSignature` or `bls_signature`. */
  blsSignature?: string;
}

export interface BatchContribution {
  contributions: SubContribution[];
  /** EIP-712 ECDSA signature over the pubkeys, or ''. */
  ecdsaSignature?: string;
}

export function sizesOf(items: readonly SubCeremonySize[]): SubCeremonySize[] {
  return items.map(({ numG1Powers, numG2Powers }) => ({ numG1Powers, numG2Powers }));
}
