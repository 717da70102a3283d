// Receipts: the evidence a contributor keeps, of either ceremony mode. A receipt is a JWS (EdDSA,
// signed with the coordinator's receipt key) over a JSON payload. A sequential turn's receipt names
// the identity, the sequence number, the transcript hashes before and after, and the pubkeys; a
// round's names the identity, the round, each chunk contribution and the aggregated transcript's
// hash. The JWS `typ` says which; one verifier checks both.
import type { KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';

export const RECEIPT_TYPE = 'ceremony-receipt+jws';
export const ROUND_RECEIPT_TYPE = 'ceremony-round-receipt+jws';

export interface ReceiptPayload {
  version: 1;
  ceremonyId: string;
  identity: string;
  sequence: number;
  transcriptSha256Before: string;
  transcriptSha256After: string;
  potPubkeys: string[];
  acceptedAt: string;
}

export interface RoundReceiptPayload {
  version: 1;
  kind: 'round-contribution';
  ceremonyId: string;
  round: number;
  identity: string;
  contributions: Array<{ chunk: number; uploadKey: string; pubkey: string | undefined }>;
  aggregatedSha256: string;
  issuedAt: string;
}

export interface SignedReceipt {
  /** The compact JWS; its payload is the canonical JSON of `payload`. */
  jws: string;
  payload: ReceiptPayload;
}

type ReceiptKeyPair = { kid: string; privateKey: KeyObject };

async function sign(payload: object, typ: string, key: ReceiptKeyPair): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ }).sign(key.privateKey);
}

export async function signReceipt(payload: ReceiptPayload, key: ReceiptKeyPair): Promise<SignedReceipt> {
  return { jws: await sign(payload, RECEIPT_TYPE, key), payload };
}

export async function signRoundReceipt(payload: RoundReceiptPayload, key: ReceiptKeyPair): Promise<{ jws: string; payload: RoundReceiptPayload }> {
  return { jws: await sign(payload, ROUND_RECEIPT_TYPE, key), payload };
}

export type ReceiptCheck = { valid: true; kind: 'turn'; payload: ReceiptPayload } | { valid: true; kind: 'round'; payload: RoundReceiptPayload } | { valid: false; code: string; message: string };

function isPayload(value: unknown): value is ReceiptPayload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    p['version'] === 1 &&
    typeof p['ceremonyId'] === 'string' &&
    typeof p['identity'] === 'string' &&
    typeof p['sequence'] === 'number' &&
    typeof p['transcriptSha256Before'] === 'string' &&
    typeof p['transcriptSha256After'] === 'string' &&
    Array.isArray(p['potPubkeys']) &&
    typeof p['acceptedAt'] === 'string'
  );
}

function isRoundPayload(value: unknown): value is RoundReceiptPayload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    p['version'] === 1 &&
    p['kind'] === 'round-contribution' &&
    typeof p['ceremonyId'] === 'string' &&
    typeof p['round'] === 'number' &&
    typeof p['identity'] === 'string' &&
    Array.isArray(p['contributions']) &&
    typeof p['aggregatedSha256'] === 'string' &&
    typeof p['issuedAt'] === 'string'
  );
}

/** Checks a receipt of either mode against the coordinator's published public key(s). */
export async function verifyReceipt(receipt: unknown, keys: JWK[]): Promise<ReceiptCheck> {
  if (typeof receipt !== 'object' || receipt === null || typeof (receipt as { jws?: unknown }).jws !== 'string') {
    return { valid: false, code: 'MALFORMED_RECEIPT', message: 'a receipt is a JSON object with a "jws" string' };
  }
  const { jws } = receipt as { jws: string; payload?: unknown };
  const parts = jws.split('.');
  if (parts.length !== 3) return { valid: false, code: 'MALFORMED_RECEIPT', message: 'the jws is not a compact JWS' };
  let header: { kid?: unknown; alg?: unknown; typ?: unknown };
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return { valid: false, code: 'MALFORMED_RECEIPT', message: 'the JWS header is not JSON' };
  }
  if (header.alg !== 'EdDSA' || (header.typ !== RECEIPT_TYPE && header.typ !== ROUND_RECEIPT_TYPE)) {
    return { valid: false, code: 'BAD_SIGNATURE', message: `unexpected JWS header (alg ${String(header.alg)}, typ ${String(header.typ)})` };
  }
  const key = keys.find((k) => k.kid === header.kid);
  if (key === undefined) return { valid: false, code: 'UNKNOWN_KEY', message: `no published key with kid ${String(header.kid)}` };
  let payload: unknown;
  try {
    const verified = await compactVerify(jws, await importJWK(key, 'EdDSA'), { algorithms: ['EdDSA'] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload));
  } catch (err) {
    return { valid: false, code: 'BAD_SIGNATURE', message: `the signature does not verify: ${(err as Error).message}` };
  }
  const shown = (receipt as { payload?: unknown }).payload;
  if (shown !== undefined && JSON.stringify(shown) !== JSON.stringify(payload)) {
    return { valid: false, code: 'PAYLOAD_MISMATCH', message: "the receipt's readable payload differs from what was signed" };
  }
  if (header.typ === RECEIPT_TYPE && isPayload(payload)) return { valid: true, kind: 'turn', payload };
  if (header.typ === ROUND_RECEIPT_TYPE && isRoundPayload(payload)) return { valid: true, kind: 'round', payload };
  return { valid: false, code: 'MALFORMED_RECEIPT', message: `the signed payload is not a ${header.typ === RECEIPT_TYPE ? 'turn' : 'round'} receipt` };
}
