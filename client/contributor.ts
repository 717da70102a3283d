// The reference contributor: the whole life cycle of one participant in a sequential ceremony.
// Log in, enter the lobby, check in on the deadlines it is given, start, contribute with the engine,
// complete, and verify its own receipt against the coordinator's published key.
import type { Engine } from '../engine/context.js';
import { parseBatchContribution } from '../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../engine/format/serialize.js';
import { signIdentity } from '../engine/identity/bls.js';
import { signEcdsa } from '../engine/identity/pot-typed-data.js';
import { contribute } from '../engine/ops/contribute.js';
import { verifyReceipt, type SignedReceipt } from '../evidence/receipt.js';
import { isTransient, withRetries } from './http.js';
import { ParticipantClient, type CheckinAnswer, type CompleteAnswer } from './participant-client.js';
import { siweLoginMessage } from './siwe-client.js';

export type ContributorEvent =
  | { kind: 'logged-in'; participantId: string }
  | { kind: 'entered'; answer: CheckinAnswer }
  | { kind: 'checked-in'; answer: CheckinAnswer }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  /** The coordinator could not answer this time (502/503/504, network): the call is made again. */
  | { kind: 'retrying'; message: string }
  | { kind: 'started'; sequence: number; computeDeadline: string }
  | { kind: 'contributed'; ms: number }
  | { kind: 'accepted'; answer: CompleteAnswer; receiptValid: boolean };

export interface ContributorOptions {
  url: string;
  engine: Engine;
  /** dev login name, or... */
  name?: string;
  /** ...an Ethereum private key (0x-hex) for Sign-In with Ethereum; it also signs the pubkeys (EIP-712). */
  ethereumKey?: string;
  entropy?: string;
  onEvent?: (event: ContributorEvent) => void;
  /** Check in this fraction of the way to each deadline (default 0.5). */
  checkinAt?: number;
  /** Gives up after this long in the lobby (default 24 h). */
  maxWaitMs?: number;
}

export interface ContributorResult {
  participantId: string;
  sequence: number;
  receiptId: string;
  receiptValid: boolean;
  transcriptSha256: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function withRetry<T>(call: () => Promise<T>, onEvent: ContributorOptions['onEvent'], repeatable: boolean): Promise<T> {
  return withRetries(call, repeatable, {
    onRateLimited: (retryAfterSeconds) => onEvent?.({ kind: 'rate-limited', retryAfterSeconds }),
    onTransient: (message) => onEvent?.({ kind: 'retrying', message }),
  });
}

/** How long a contributor whose completion answer was lost keeps asking for its outcome. */
const OUTCOME_WAIT_MS = 300_000;

/**
 * The answer to contribution/complete when it was lost on the way (504, a dropped connection): the
 * upload may have landed and been verified, so ask the participant record until the turn is over.
 */
async function outcomeAfterLostAnswer(client: ParticipantClient, onEvent: ContributorOptions['onEvent']): Promise<CompleteAnswer> {
  const giveUpAt = Date.now() + OUTCOME_WAIT_MS;
  while (Date.now() < giveUpAt) {
    const view = (await withRetry(() => client.participant(), onEvent, true)) as { turnId?: string; lastOutcome?: string; receipts?: Array<{ sequence: number; receiptId: string }> };
    if (view.turnId === undefined && view.lastOutcome !== undefined) {
      const last = view.receipts?.[view.receipts.length - 1];
      if (view.lastOutcome !== 'accepted' || last === undefined) throw new Error(`the contribution was not accepted (${view.lastOutcome})`);
      const receipt = (await withRetry(() => client.receipt(last.receiptId), onEvent, true)) as SignedReceipt;
      return { outcome: 'accepted', sequence: last.sequence, receiptId: last.receiptId, receipt: { jws: receipt.jws, payload: { ...receipt.payload } }, transcriptSha256: receipt.payload.transcriptSha256After };
    }
    await sleep(2_000);
  }
  throw new Error('the outcome of the contribution did not come in time');
}

export async function runContributor(options: ContributorOptions): Promise<ContributorResult> {
  const client = new ParticipantClient(options.url);
  const emit = options.onEvent;
  const retry = <T>(call: () => Promise<T>): Promise<T> => withRetry(call, emit, false);
  const repeat = <T>(call: () => Promise<T>): Promise<T> => withRetry(call, emit, true);
  let participantId: string;
  let identity: string;
  if (options.ethereumKey !== undefined) {
    const key = options.ethereumKey;
    const login = await retry(() => siweLoginMessage(options.url, key));
    participantId = await retry(() => client.loginSiwe(login.message, login.signature));
    identity = `eth|${login.address.toLowerCase()}`;
  } else {
    const name = options.name ?? `contributor-${Math.random().toString(36).slice(2, 10)}`;
    participantId = await retry(() => client.loginDev(name));
    identity = participantId;
  }
  emit?.({ kind: 'logged-in', participantId });

  let answer = await repeat(() => client.enter());
  emit?.({ kind: 'entered', answer });
  const giveUpAt = Date.now() + (options.maxWaitMs ?? 24 * 3600_000);
  const fraction = options.checkinAt ?? 0.5;
  while (answer.status !== 'ready') {
    if (Date.now() > giveUpAt) {
      await client.leave().catch(() => undefined);
      throw new Error('gave up waiting in the lobby');
    }
    const untilDeadline = answer.nextDeadlineMs - Date.now();
    await sleep(Math.max(200, Math.floor(untilDeadline * fraction)));
    answer = await repeat(() => client.checkin());
    emit?.({ kind: 'checked-in', answer });
  }

  const started = await repeat(() => client.start());
  emit?.({ kind: 'started', sequence: started.sequence, computeDeadline: started.computeDeadline });
  const began = Date.now();
  let contribution;
  try {
    const signer = identity.startsWith('eth|') || identity.startsWith('git|') ? (secret: Uint8Array) => signIdentity(bytesToBigInt(secret), identity) : undefined;
    contribution = await contribute(options.engine, parseBatchContribution(started.powers), { entropy: options.entropy, signIdentity: signer });
    if (options.ethereumKey !== undefined) {
      contribution = { ...contribution, ecdsaSignature: signEcdsa(options.ethereumKey, contribution.contributions.map((c) => ({ numG1Powers: c.numG1Powers, numG2Powers: c.numG2Powers, potPubkey: c.potPubkey ?? '' }))) };
    }
  } catch (err) {
    await client.abort().catch(() => undefined);
    throw err;
  }
  emit?.({ kind: 'contributed', ms: Date.now() - began });
  const done = await retry(() => client.complete(serializeBatchContribution(contribution))).catch((err: unknown) => {
    if (isTransient(err)) return outcomeAfterLostAnswer(client, emit);
    throw err;
  });
  const info = await repeat(() => client.info());
  const check = await verifyReceipt(done.receipt, info.receiptKeys.keys);
  // Valid means: signed by the published key, a turn's receipt, and this contribution's.
  const receiptValid =
    check.valid &&
    check.kind === 'turn' &&
    check.payload.identity === participantId &&
    check.payload.sequence === done.sequence &&
    JSON.stringify(check.payload.potPubkeys) === JSON.stringify(contribution.contributions.map((c) => c.potPubkey));
  emit?.({ kind: 'accepted', answer: done, receiptValid });
  return { participantId, sequence: done.sequence, receiptId: done.receiptId, receiptValid, transcriptSha256: done.transcriptSha256 };
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}
