// The reference contributor: the whole life cycle of one participant in a sequential ceremony.
// Log in (dev, Sign-In with Ethereum with a key here or the person's own wallet, or GitHub through the
// device flow), enter the lobby, check in on the deadlines it is given, start, contribute with the
// engine, complete, and verify its own receipt against the coordinator's published key. While its
// turn runs it watches the participant record: when the turn is taken from it (dropped, banned, timed
// out) it stops computing at once and says why (TurnedAwayError); so does any refusal that means it
// has no place or turn.
import type { Engine } from '../engine/context.js';
import { parseBatchContribution } from '../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../engine/format/serialize.js';
import type { BatchContribution } from '../engine/format/types.js';
import { contribute } from '../engine/ops/contribute.js';
import type { SignedReceipt } from '../evidence/receipt.js';
import { checkPubkeysSignature, keySigner, type EthereumSigner } from './ethereum-signer.js';
import type { GithubDeviceOptions } from './github-device.js';
import { identitySigner } from './identity-signer.js';
import { checkTurnReceipt } from './receipt-check.js';
import { ApiError, withRetries, type RetryHooks } from './http.js';
import { ParticipantClient, type CheckinAnswer, type CompleteAnswer } from './participant-client.js';
import { siweMessageFor } from './siwe-client.js';
import { DEFAULT_TURN_POLL_MS, TURNED_AWAY_CODES, TurnedAwayError, turnGone } from './turned-away.js';

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
  /** ...an Ethereum private key (0x-hex) for Sign-In with Ethereum; it also signs the pubkeys (EIP-712), or... */
  ethereumKey?: string;
  /** ...a signer for Sign-In with Ethereum and the pubkeys (e.g. the person's own wallet, pastedSigner), or... */
  ethereum?: EthereumSigner;
  /** ...GitHub, through the coordinator's device flow (onCode shows the person the code and the URL). */
  github?: Pick<GithubDeviceOptions, 'onCode' | 'onEvent'>;
  entropy?: string;
  /** How often the participant record is read while the turn runs, to stop at once when it is gone (default 3 s). */
  turnPollMs?: number;
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

/**
 * A refusal that means the participant has no place or turn (TURNED_AWAY_CODES) becomes a
 * TurnedAwayError carrying the reason from the participant record; any other error is thrown as is.
 */
async function explained(client: ParticipantClient, err: unknown, whileComputing = false): Promise<never> {
  if (err instanceof ApiError && TURNED_AWAY_CODES.has(err.code)) {
    const view = await client.participant().catch(() => undefined);
    throw new TurnedAwayError(view?.reason, err.code, whileComputing);
  }
  throw err;
}

/**
 * Reads the participant record every `intervalMs` while the turn runs; when the turn is gone, aborts
 * `controller` with a TurnedAwayError. A read that fails (an outage, a timeout) changes nothing: the
 * computation goes on and the record is read again at the next tick.
 */
function watchTurn(client: ParticipantClient, turnId: string, intervalMs: number, controller: AbortController): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    try {
      const view = await client.participant();
      if (!stopped && turnGone(view, turnId)) {
        controller.abort(new TurnedAwayError(view.reason, undefined, true));
        return;
      }
    } catch {
      // not this time; next tick
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  timer = setTimeout(() => void tick(), intervalMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** `work`, unless `signal` aborts first: then its reason at once (the work's own outcome is ignored). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

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
  const ethereum = signerOf(options);
  if (ethereum !== undefined) {
    // Each attempt signs a message with a fresh nonce (a nonce is single-use), so the pair is safe to repeat.
    participantId = await repeat(async () => {
      const message = await siweMessageFor(options.url, ethereum.address);
      return client.loginSiwe(message, await ethereum.signMessage(message));
    });
    identity = `eth|${ethereum.address.toLowerCase()}`;
  } else if (options.github !== undefined) {
    participantId = await client.loginGithubDevice({ ...options.github, retry: hooksFor(emit, options.url) });
    identity = participantId;
  } else {
    const name = options.name ?? `contributor-${Math.random().toString(36).slice(2, 10)}`;
    participantId = await repeat(() => client.loginDev(name));
    identity = participantId;
  }
  emit?.({ kind: 'logged-in', participantId });

  let answer = await repeat(() => client.enter()).catch((err: unknown) => explained(client, err));
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
    }).catch((err: unknown) => explained(client, err));
    emit?.({ kind: 'checked-in', answer });
  }

  const transfer = options.onTransfer;
  const started = await repeat(() => client.start(transfer === undefined ? undefined : (done, total) => transfer({ direction: 'download', done, total }))).catch((err: unknown) =>
    explained(client, err),
  );
  emit?.({ kind: 'started', sequence: started.sequence, computeDeadline: started.computeDeadline });
  const began = Date.now();
  // From here until the upload, the turn is watched: when it is gone, the computation (or the wait for
  // a pasted signature) stops at once.
  const turn = new AbortController();
  const watch = watchTurn(client, started.turnId, options.turnPollMs ?? DEFAULT_TURN_POLL_MS, turn);
  let contribution: BatchContribution;
  try {
    const computation = contribute(options.engine, parseBatchContribution(started.powers), { entropy: options.entropy, signIdentity: identitySigner(identity), signal: turn.signal });
    contribution = await unlessAborted(computation, turn.signal);
    if (ethereum !== undefined) {
      const pubkeys = contribution.contributions.map((c) => ({ numG1Powers: c.numG1Powers, numG2Powers: c.numG2Powers, potPubkey: c.potPubkey ?? '' }));
      const ecdsaSignature = await unlessAborted(ethereum.signPubkeys(pubkeys), turn.signal);
      if (ecdsaSignature !== undefined) {
        // Checked here before it goes out: a signature the coordinator would refuse costs the turn.
        const check = checkPubkeysSignature(pubkeys, ecdsaSignature, ethereum.address);
        if (!check.ok) throw new Error(`the ECDSA signature of the pubkeys does not check out: ${check.why}`);
        contribution = { ...contribution, ecdsaSignature };
      }
    }
  } catch (err) {
    if (turn.signal.aborted && turn.signal.reason instanceof TurnedAwayError) throw turn.signal.reason;
    await client.abort().catch(() => undefined);
    throw err;
  } finally {
    watch.stop();
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
    return explained(client, err);
  });
  const info = await repeat(() => client.info());
  const check = await checkTurnReceipt(done.receipt, info.receiptKeys.keys, {
    ceremonyId: info.ceremonyId,
    participantId,
    sequence: done.sequence,
    potPubkeys: contribution.contributions.map((c) => c.potPubkey ?? ''),
  });
  const receiptValid = check.valid;
  emit?.({ kind: 'accepted', answer: done, receiptValid });
  return { participantId, sequence: done.sequence, receiptId: done.receiptId, receiptValid, transcriptSha256: done.transcriptSha256, receipt: done.receipt };
}

/** The Ethereum signer of the pubkeys, if the participant logged in with Ethereum. */
function signerOf(options: ContributorOptions): EthereumSigner | undefined {
  return options.ethereum ?? (options.ethereumKey === undefined ? undefined : keySigner(options.ethereumKey));
}
