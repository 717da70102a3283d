// A contributor's check of the receipt it was given: signed by a key the coordinator publishes, a
// turn's receipt, and for this very contribution (identity, sequence, pubkeys). The CLI and the
// browser contributor share it.
import type { JWK } from 'jose';
import { verifyReceipt } from '../evidence/receipt.js';

export interface ExpectedReceipt {
  ceremonyId: string;
  participantId: string;
  sequence: number;
  potPubkeys: readonly string[];
}

export type TurnReceiptCheck = { valid: true } | { valid: false; reason: string };

export async function checkTurnReceipt(receipt: unknown, keys: JWK[], expected: ExpectedReceipt): Promise<TurnReceiptCheck> {
  const check = await verifyReceipt(receipt, keys);
  if (!check.valid) return { valid: false, reason: `${check.code}: ${check.message}` };
  if (check.kind !== 'turn') return { valid: false, reason: `a ${check.kind} receipt, not a turn's` };
  if (check.payload.ceremonyId !== expected.ceremonyId) return { valid: false, reason: `it is a receipt of ceremony ${check.payload.ceremonyId}, not ${expected.ceremonyId}` };
  if (check.payload.identity !== expected.participantId) return { valid: false, reason: `it names ${check.payload.identity}, not ${expected.participantId}` };
  if (check.payload.sequence !== expected.sequence) return { valid: false, reason: `it is for contribution ${check.payload.sequence}, not ${expected.sequence}` };
  if (JSON.stringify(check.payload.potPubkeys) !== JSON.stringify(expected.potPubkeys)) return { valid: false, reason: 'its pubkeys are not this contribution’s' };
  return { valid: true };
}
