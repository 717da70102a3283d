// The reference contributor: the whole life cycle of one participant in a sequential ceremony.
// Log in, enter the lobby, check in on the deadlines it is given, start, contribute with the engine,
// complete, and verify its own receipt against the coordinator's published key.
import type { Engine } from '../engine/context.js';
import { parseBatchContribution } from '../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../engine/format/serialize.js';
import { signEcdsa } from '../engine/identity/pot-typed-data.js';
import { contribute } from '../engine/ops/contribute.js';
import type { SignedReceipt } from '../evidence/receipt.js';
import { identitySigner } from './identity-signer.js';
import { checkTurnReceipt } from './receipt-check.js';
import { ApiError, withRetries, type RetryHooks } from './http.js';
import { ParticipantClient, type CheckinAnswer, type CompleteAnswer } from './participant-client.js';
import { siweLoginMessage } from './siwe-client.js';

export type ContributorEvent =
  | { kind: 'logged-in'; participantId: string }
  | { kind: 'entered'; answer: CheckinAnswer }
  | { kind: 'checked-in'; answer: CheckinAnswer }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  /** The coordinator could not answer this time (502/503/504, network): the call is made again. */
  | { kind: 'retrying'; message: string; nextTryInMs: number }
  /** A check-in deadline passed while the coordinator could not be reached (it excuses its own outages). */
  | { kind: 'deadline-passed'; deadline: string }
  | { kind: 'started'; sequence: number; computeDeadline: string }
  | { kind: 'contributed'; ms: number }
  /** The whole contribution is sent; the coordinator verifies it before it answers. */
  | { kind: 'uploaded'; bytes: number }
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
  /** The bytes moved so far and in all (undefined if not declared): the powers down, the contribution up. */
  onTransfer?: (transfer: { direction: 'download' | 'upload'; done: number; total: number | undefined }) => void;
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
  /** The signed receipt, as GET /receipts/{receiptId} serves it. */
  receipt: CompleteAnswer['receipt'];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function hooksFor(onEvent: ContributorOptions['onEvent'], target?: string): RetryHooks {
  return {
    onRateLimited: (retryAfterSeconds) => onEvent?.({ kind: 'rate-limited', retryAfterSeconds }),
    onTransient: (message, nextTryInMs) => onEvent?.({ kind: 'retrying', message, nextTryInMs }),
    ...(target === undefined ? {} : { target }),
  };
}

function withRetry<T>(call: () => Promise<T>, onEvent: ContributorOptions['onEvent'], repeatable: boolean, target?: string): Promise<T> {
  return withRetries(call, repeatable, hooksFor(onEvent, target));
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
      return {
        outcome: 'accepted',
        sequence: last.sequence,
        receiptId: last.receiptId,
        receipt: { jws: receipt.jws, payload: { ...receipt.payload } },
        transcriptSha256: receipt.payload.transcriptSha256After,
      };
    }
    await sleep(2_000);
  }
  throw new Error('the outcome of the contribution did not come in time');
}

export async function runContributor(options: ContributorOptions): Promise<ContributorResult> {
  const client = new ParticipantClient(options.url);
  const emit = options.onEvent;
  const repeat = <T>(call: () => Promise<T>): Promise<T> => withRetry(call, emit, true, options.url);
  let participantId: string;
  let identity: string;
  if (options.ethereumKey !== undefined) {
    const key = options.ethereumKey;
    // Each attempt signs a message with a fresh nonce (a nonce is single-use), so the pair is safe to repeat.
    const login = await repeat(async () => {
      const signed = await siweLoginMessage(options.url, key);
      return { address: signed.address, participantId: await client.loginSiwe(signed.message, signed.signature) };
    });
    participantId = login.participantId;
    identity = `eth|${login.address.toLowerCase()}`;
  } else {
    const name = options.name ?? `contributor-${Math.random().toString(36).slice(2, 10)}`;
    participantId = await repeat(() => client.loginDev(name));
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
    const due = answer.nextDeadlineMs;
    // Retried through an outage of the coordinator, whose deadlines it excuses; said when one passes.
    answer = await withRetries(() => client.checkin(), true, {
      ...hooksFor(emit, options.url),
      deadline: due,
      onDeadlinePassed: () => emit?.({ kind: 'deadline-passed', deadline: new Date(due).toISOString() }),
    });
    emit?.({ kind: 'checked-in', answer });
  }

  const transfer = options.onTransfer;
  const started = await repeat(() => client.start(transfer === undefined ? undefined : (done, total) => transfer({ direction: 'download', done, total })));
  emit?.({ kind: 'started', sequence: started.sequence, computeDeadline: started.computeDeadline });
  const began = Date.now();
  let contribution;
  try {
    contribution = await contribute(options.engine, parseBatchContribution(started.powers), { entropy: options.entropy, signIdentity: identitySigner(identity) });
    if (options.ethereumKey !== undefined) {
      contribution = {
        ...contribution,
        ecdsaSignature: signEcdsa(
          options.ethereumKey,
          contribution.contributions.map((c) => ({ numG1Powers: c.numG1Powers, numG2Powers: c.numG2Powers, potPubkey: c.potPubkey ?? '' })),
        ),
      };
    }
  } catch (err) {
    await client.abort().catch(() => undefined);
    throw err;
  }
  emit?.({ kind: 'contributed', ms: Date.now() - began });
  // An upload whose answer is lost is sent again: the turn takes it only while it still waits for one
  // (the first never reached a live API); otherwise it is refused as already completed, and the
  // outcome is read from the participant record.
  const upload = serializeBatchContribution(contribution);
  const onUpload = (sent: number, total: number): void => {
    transfer?.({ direction: 'upload', done: sent, total });
    if (sent === total) emit?.({ kind: 'uploaded', bytes: total });
  };
  const done = await repeat(() => client.complete(upload, onUpload)).catch((err: unknown) => {
    if (err instanceof ApiError && err.code === 'CONTRIBUTION_ALREADY_COMPLETED') return outcomeAfterLostAnswer(client, emit);
    throw err;
  });
  const info = await repeat(() => client.info());
  const check = await checkTurnReceipt(done.receipt, info.receiptKeys.keys, {
    participantId,
    sequence: done.sequence,
    potPubkeys: contribution.contributions.map((c) => c.potPubkey ?? ''),
  });
  const receiptValid = check.valid;
  emit?.({ kind: 'accepted', answer: done, receiptValid });
  return { participantId, sequence: done.sequence, receiptId: done.receiptId, receiptValid, transcriptSha256: done.transcriptSha256, receipt: done.receipt };
}
