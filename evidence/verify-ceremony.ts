// What `ceremony verify` checks beyond the transcript itself: that a receipt was signed by the key the
// person pinned (by fingerprint, the RFC 7638 thumbprint the coordinator prints at start and publishes
// as each key's kid), and that the contribution it vouches for is in the transcript where it says.
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { transcriptParticipantId } from '../engine/format/identity-patterns.js';
import type { BatchTranscript } from '../engine/format/types.js';
import { verifyReceipt, type ReceiptCheck } from './receipt.js';

export type EvidenceFailureCode = 'KEY_MISMATCH' | 'MALFORMED_RECEIPT' | 'BAD_SIGNATURE' | 'PAYLOAD_MISMATCH' | 'NOT_INCLUDED' | 'RECORD_CHAIN_BROKEN' | 'BEACON_MISMATCH';

export interface EvidenceFailure {
  valid: false;
  code: EvidenceFailureCode;
  message: string;
}

export type ValidReceipt = Extract<ReceiptCheck, { valid: true }>;

/** The published keys whose fingerprint is one the person pinned. */
export async function pinnedKeys(published: JWK[], pins: string[]): Promise<{ keys: JWK[] } | EvidenceFailure> {
  const keys: JWK[] = [];
  const seen: string[] = [];
  for (const key of published) {
    const fingerprint = await calculateJwkThumbprint(key);
    seen.push(fingerprint);
    if (pins.includes(fingerprint)) keys.push({ ...key, kid: fingerprint });
  }
  if (keys.length > 0) return { keys };
  return { valid: false, code: 'KEY_MISMATCH', message: `no key with the pinned fingerprint ${pins.join(', ')} (offered: ${seen.join(', ') || 'none'})` };
}

/** Checks the receipt's signature against the pinned keys only. */
export async function checkPinnedReceipt(receipt: unknown, keys: JWK[]): Promise<ValidReceipt | EvidenceFailure> {
  const check = await verifyReceipt(receipt, keys);
  if (check.valid) return check;
  if (check.code === 'UNKNOWN_KEY') return { valid: false, code: 'KEY_MISMATCH', message: `the receipt is not signed by the pinned key (${check.message})` };
  return { valid: false, code: check.code as EvidenceFailureCode, message: check.message };
}

export interface Inclusion {
  /** The witness position of the contribution (1 = the first contribution). */
  position: number;
  identity: string;
  /** The transcript names the receipt's identity there (it writes '' for development logins and had no ids in older rounds). */
  attributed: boolean;
}

/**
 * Where the receipt's contribution is in the transcript: a turn's at its sequence number, with the
 * pubkeys it names in every sub-ceremony; a round's where its pubkey (the same for all of one
 * contributor's chunks) is in the witness. The participant id there must be the receipt's identity
 * as the transcript writes it, or empty (unattributed).
 */
export function findInclusion(transcript: BatchTranscript, receipt: ValidReceipt): Inclusion | EvidenceFailure {
  const { identity } = receipt.payload;
  const expectedId = transcriptParticipantId(identity);
  const missing = (message: string): EvidenceFailure => ({ valid: false, code: 'NOT_INCLUDED', message });
  let position: number;
  if (receipt.kind === 'turn') {
    position = receipt.payload.sequence;
    const mismatched = transcript.transcripts.findIndex((sub, j) => sub.witness.potPubkeys[position] !== receipt.payload.potPubkeys[j]);
    if (position < 1 || mismatched >= 0 || receipt.payload.potPubkeys.length !== transcript.transcripts.length) {
      return missing(`contribution ${position} of the transcript is not the one the receipt names (pubkeys differ${mismatched >= 0 ? ` in sub-ceremony ${mismatched}` : ''})`);
    }
  } else {
    const pubkey = receipt.payload.contributions.find((c) => c.pubkey !== undefined && c.pubkey !== '')?.pubkey;
    const witness = transcript.transcripts[0]?.witness.potPubkeys ?? [];
    position = pubkey === undefined ? -1 : witness.indexOf(pubkey, 1);
    if (position < 1) return missing(`the receipt's pubkey is not in the transcript's witness (round ${receipt.payload.round})`);
  }
  // The pubkeys place the contribution; the id only attributes it. An id of someone else is a
  // contradiction; no id (an older round, a development login) is a contribution left unattributed.
  const recorded = transcript.participantIds[position] ?? '';
  if (recorded !== '' && recorded !== expectedId) {
    return missing(`the transcript attributes contribution ${position} to '${recorded}', the receipt to '${expectedId || identity}'`);
  }
  return { position, identity, attributed: recorded !== '' };
}

/** One item of GET /records: a ledger entry and its record, each as stored, with their keys. */
export interface ServedRecord {
  index: number;
  entryKey: string;
  entry: string;
  recordKey: string;
  record: string;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Checks a run of the records ledger that follows the entry `previous` (null at the start): every
 * entry and record is the text its key hashes, every entry names its index, the entry before it and
 * its record. Returns the last entry's key, to go on from with the next page.
 */
export function checkRecordChain(items: readonly ServedRecord[], start: { index: number; previous: string | null }): { last: string | null } | EvidenceFailure {
  let previous = start.previous;
  let index = start.index;
  const broken = (message: string): EvidenceFailure => ({ valid: false, code: 'RECORD_CHAIN_BROKEN', message });
  for (const item of items) {
    if (item.index !== index) return broken(`record ${item.index} comes where record ${index} should`);
    if (item.entryKey !== `records-ledger/${sha256Hex(item.entry)}`) return broken(`ledger entry ${index} is not the text its key ${item.entryKey} hashes`);
    if (item.recordKey !== `records/${sha256Hex(item.record)}`) return broken(`record ${index} is not the text its key ${item.recordKey} hashes`);
    let entry: { index?: unknown; previous?: unknown; record?: unknown };
    try {
      entry = JSON.parse(item.entry) as typeof entry;
    } catch {
      return broken(`ledger entry ${index} is not JSON`);
    }
    if (entry.index !== index || entry.previous !== previous || entry.record !== item.recordKey) {
      return broken(`ledger entry ${index} does not link to the entry before it (${previous ?? 'none'}) and its record`);
    }
    previous = item.entryKey;
    index += 1;
  }
  return { last: previous };
}

/** What /ceremony/info says of a finalised ceremony's beacon. */
export interface PublishedBeacon {
  announcement: { source: string; iterations: number; announcedAt: number };
  final: { beaconValueHex: string; iterations: number; sequence: number; digestHex: string };
}

/**
 * Checks a final ceremony's beacon: it was finalised with the iterations announced in advance, its
 * contribution is the transcript's last, and that contribution's pubkeys are the ones the beacon
 * value derives (`expectedPubkeys`, computed from the value and the announced iterations).
 */
export function checkBeacon(transcript: BatchTranscript, beacon: PublishedBeacon, expectedPubkeys: readonly string[]): { sequence: number } | EvidenceFailure {
  const mismatch = (message: string): EvidenceFailure => ({ valid: false, code: 'BEACON_MISMATCH', message });
  if (beacon.final.iterations !== beacon.announcement.iterations) {
    return mismatch(`the beacon was finalised with ${beacon.final.iterations} iterations; ${beacon.announcement.iterations} were announced`);
  }
  const { sequence } = beacon.final;
  const last = transcript.participantIds.length - 1;
  if (sequence !== last) return mismatch(`the beacon is contribution ${sequence}, the transcript's last is ${last}`);
  const differs = transcript.transcripts.findIndex((sub, j) => sub.witness.potPubkeys[sequence] !== expectedPubkeys[j]);
  if (differs >= 0) return mismatch(`sub-ceremony ${differs}: contribution ${sequence} is not the one the beacon value derives`);
  return { sequence };
}
