// The actor for one person (one identity) in a sequential ceremony: lobby status, the check-in
// deadline it last handed out, strikes, penalties, bans and receipts. Check-ins near the head land
// here; the rest are answered by the API and recorded in the lobby shards (lobby.ts).
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SequentialActivities } from './activities-api.js';
import { lobbyAnswer } from './checkin-schedule.js';
import { lobbyEpochsForDeparture, lobbyShardOf, lobbyShardWorkflowId } from './lobby.js';
import { signalStarted } from './signal-started.js';
import {
  banSignal,
  calledSignal,
  checkinDueSignal,
  checkinUpdate,
  enterUpdate,
  joinFailedSignal,
  leaveQueueSignal,
  leaveUpdate,
  lobbyLeftSignal,
  missedCheckinSignal,
  notifiedSignal,
  participantQuery,
  turnFinishedSignal,
  type CheckinRequest,
} from './messages.js';
import type { CheckinResponse, ParticipantView, SequentialSettings } from './types.js';

export interface ParticipantInput {
  settings: SequentialSettings;
  participantId: string;
  ceremonyWorkflowId: string;
  /** Carried over by continue-as-new. */
  state?: ParticipantView;
}

function reject(code: string, message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: details === undefined ? [] : [details] });
}

const ignore = (): void => undefined;

const inLobby = (s: ParticipantView['status']): boolean => s === 'waiting' || s === 'queued';

export async function participantWorkflow(input: ParticipantInput): Promise<void> {
  const { settings } = input;
  const timing = settings.timing;
  // A record is retried until the store takes it (no attempt limit): evidence is never given up.
  const records = proxyActivities<Pick<SequentialActivities, 'writeRecord'>>({
    taskQueue: settings.workflowTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
  });
  const view: ParticipantView = input.state ?? {
    participantId: input.participantId,
    identity: '',
    status: 'idle',
    contributions: 0,
    strikes: 0,
    penaltyUntil: undefined,
    removedReason: undefined,
    turnId: undefined,
    checkinDeadline: undefined,
    checkinIntervalMs: undefined,
    receipts: [],
    lastOutcome: undefined,
  };
  let turnWorkflowId: string | undefined;
  const ceremony = getExternalWorkflowHandle(input.ceremonyWorkflowId);

  // Records are evidence (REQ-18): each write is tracked until it settles, a failure is logged, and
  // the workflow continues as new only once every write it started has settled.
  const pendingRecords = new Set<Promise<void>>();
  const record = (kind: 'left' | 'missed-checkin' | 'banned' | 'unbanned', detail?: string): void => {
    const write: Promise<void> = records
      .writeRecord({ ceremonyId: settings.ceremonyId, kind, participantId: view.participantId, identity: view.identity, detail, at: Date.now() })
      .then(
        () => undefined,
        (err: unknown) => log.error('a participant record could not be written', { kind, participantId: view.participantId, error: String(err) }),
      )
      .finally(() => pendingRecords.delete(write));
    pendingRecords.add(write);
  };

  setHandler(participantQuery, () => view);

  /**
   * Tells the lobby shard the participant is no longer waiting (with the turn when it was called): every
   * epoch that may hold its entry (`lobbyEpochsForDeparture`); a signal to one not running just fails.
   */
  const leftLobby = (turnWorkflowId?: string): void => {
    const at = Date.now();
    const shard = lobbyShardOf(view.participantId, settings.lobbyShards);
    for (const epoch of lobbyEpochsForDeparture(at, settings.timing)) {
      getExternalWorkflowHandle(lobbyShardWorkflowId(settings.ceremonyId, shard, epoch))
        .signal(lobbyLeftSignal, { participantId: view.participantId, turnWorkflowId, at })
        .catch(ignore);
    }
  };

  setHandler(
    enterUpdate,
    ({ identity }) => {
      view.identity = identity;
      if (!inLobby(view.status) && view.status !== 'ready' && view.status !== 'contributing') {
        view.status = 'waiting';
        view.removedReason = undefined;
        view.checkinDeadline = undefined;
        view.checkinIntervalMs = undefined;
      }
      return view;
    },
    {
      validator: ({ now }) => {
        if (view.status === 'banned') throw reject('BANNED', 'this identity is banned from the ceremony');
        if (view.contributions >= settings.contributionsPerIdentity) {
          throw reject('ALREADY_CONTRIBUTED', `this identity has already contributed (${view.contributions} of ${settings.contributionsPerIdentity} allowed)`);
        }
        const until = view.penaltyUntil;
        if (until !== undefined && until > Math.max(now, Date.now())) {
          throw reject('PENALTY_ACTIVE', `you may rejoin at ${new Date(until).toISOString()} (${view.lastOutcome ?? view.removedReason ?? 'lost slot'})`, { retryAt: until });
        }
      },
    },
  );

  setHandler(
    checkinUpdate,
    (req): CheckinResponse => {
      const now = Date.now();
      if (view.status === 'ready' || view.status === 'contributing') {
        if (view.status === 'ready' && turnWorkflowId !== undefined) {
          void signalStarted(turnWorkflowId, notifiedSignal, { at: now });
        }
        const interval = timing.minCheckinIntervalMs;
        view.checkinDeadline = now + interval;
        view.checkinIntervalMs = interval;
        return {
          status: 'ready',
          position: 0,
          waitersAhead: 0,
          expectedWaitMs: 0,
          expectedStartAt: now,
          averageRoundTripMs: req.averageRoundTripMs,
          nextDeadline: now + interval,
          checkinIntervalMs: interval,
          turnId: view.turnId,
        };
      }
      const answer = lobbyAnswer(timing, {
        now,
        position: req.position,
        waitersAhead: req.waitersAhead,
        averageRoundTripMs: req.averageRoundTripMs,
        previousIntervalMs: req.first ? undefined : (req.previousIntervalMs ?? view.checkinIntervalMs),
      });
      view.checkinDeadline = answer.nextDeadline;
      view.checkinIntervalMs = answer.checkinIntervalMs;
      view.status = answer.status === 'waiting' ? 'waiting' : 'queued';
      return answer;
    },
    {
      validator: (_req: CheckinRequest) => {
        if (inLobby(view.status) || view.status === 'ready' || view.status === 'contributing') return;
        if (view.status === 'banned') throw reject('BANNED', 'this identity is banned from the ceremony');
        if (view.removedReason === 'missed-checkin') {
          throw reject('DEADLINE_MISSED', 'you missed a check-in deadline and were removed from the queue; enter the lobby again', { penaltyUntil: view.penaltyUntil });
        }
        if (view.removedReason === 'dropped') throw reject('NOT_IN_QUEUE', 'an administrator removed you from the queue; call lobby/enter to join again');
        throw reject('NOT_IN_QUEUE', `you are not in the queue (status ${view.status}); call lobby/enter first`);
      },
    },
  );

  setHandler(
    leaveUpdate,
    () => {
      view.status = 'idle';
      view.removedReason = 'left';
      view.checkinDeadline = undefined;
      if (timing.abortPenaltyMs > 0) view.penaltyUntil = Date.now() + timing.abortPenaltyMs;
      ceremony.signal(leaveQueueSignal, { participantId: view.participantId, reason: 'left' }).catch(ignore);
      leftLobby();
      record('left');
      return view;
    },
    {
      validator: () => {
        if (!inLobby(view.status)) throw reject('NOT_IN_QUEUE', `you are not waiting in the queue (status ${view.status})`);
      },
    },
  );

  setHandler(calledSignal, ({ turnId, turnWorkflowId: id }) => {
    // Called while waiting in the lobby: the participant learns it at its next check-in, which it was
    // told to make by checkinDeadline. The turn's start window must not run out before then.
    const due = inLobby(view.status) ? view.checkinDeadline : undefined;
    view.status = 'ready';
    view.turnId = turnId;
    turnWorkflowId = id;
    if (due !== undefined) void signalStarted(id, checkinDueSignal, { by: due });
    // The lobby shard forgets the participant and tells the turn the deadline it last handed out.
    leftLobby(id);
  });

  setHandler(missedCheckinSignal, ({ deadline }) => {
    if (!inLobby(view.status)) return;
    // A check-in answered through this workflow after the shard's entry was written: not missed.
    if (view.checkinDeadline !== undefined && view.checkinDeadline > deadline) return;
    view.status = 'idle';
    view.removedReason = 'missed-checkin';
    view.checkinDeadline = undefined;
    view.strikes += 1;
    view.penaltyUntil = Date.now() + timing.rejoinPenaltyMs;
    ceremony.signal(leaveQueueSignal, { participantId: view.participantId, reason: 'missed-checkin' }).catch(ignore);
    record('missed-checkin');
  });

  setHandler(joinFailedSignal, ({ reason }) => {
    if (inLobby(view.status)) {
      view.status = 'idle';
      view.removedReason = reason;
      leftLobby();
    }
  });

  setHandler(turnFinishedSignal, ({ turnId, kind, sequence, receiptId, receiptKey }) => {
    if (view.turnId !== undefined && view.turnId !== turnId) return;
    view.lastOutcome = kind;
    view.turnId = undefined;
    turnWorkflowId = undefined;
    view.checkinDeadline = undefined;
    if (view.status === 'banned') return;
    view.status = 'idle';
    if (kind === 'accepted') {
      view.contributions += 1;
      view.status = 'contributed';
      if (receiptId !== undefined && receiptKey !== undefined) view.receipts.push({ sequence, receiptId, receiptKey });
    } else if (kind === 'rejected' || kind === 'start-missed' || kind === 'compute-timeout') {
      view.strikes += 1;
      view.penaltyUntil = Date.now() + timing.rejoinPenaltyMs;
    } else if (kind === 'aborted' && timing.abortPenaltyMs > 0) {
      view.penaltyUntil = Date.now() + timing.abortPenaltyMs;
    }
    if (view.status === 'contributed' && view.contributions < settings.contributionsPerIdentity) view.status = 'idle';
  });

  setHandler(banSignal, ({ banned, reason }) => {
    if (banned) {
      const wasQueued = inLobby(view.status);
      view.status = 'banned';
      view.removedReason = reason;
      view.checkinDeadline = undefined;
      if (wasQueued) {
        ceremony.signal(leaveQueueSignal, { participantId: view.participantId, reason: 'banned' }).catch(ignore);
        leftLobby();
      }
      record('banned', reason);
    } else if (view.status === 'banned') {
      view.status = view.contributions >= settings.contributionsPerIdentity ? 'contributed' : 'idle';
      view.removedReason = undefined;
      record('unbanned', reason);
    }
  });

  // Check-in deadlines are enforced by the participant's lobby shard (lobby.ts), which signals
  // missedCheckin. This loop only continues as new, at rest, when the history grows long.
  const atRest = (): boolean => !inLobby(view.status) && view.status !== 'ready' && view.status !== 'contributing';
  for (;;) {
    await condition(() => workflowInfo().continueAsNewSuggested && atRest());
    await condition(allHandlersFinished);
    await condition(() => pendingRecords.size === 0);
    // A handler may have changed the status meanwhile: continue as new only at rest.
    if (atRest()) await continueAsNew<typeof participantWorkflow>({ ...input, state: view });
  }
}
