// The actor for one person (one identity) in a sequential ceremony: lobby status, the check-in
// deadline timer, strikes, penalties, bans and receipts. Check-ins land here, never on the ceremony.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SequentialActivities } from './activities-api.js';
import { expectedWait, nextCheckin } from './checkin-schedule.js';
import {
  banSignal,
  calledSignal,
  checkinDueSignal,
  checkinUpdate,
  enterUpdate,
  joinFailedSignal,
  leaveQueueSignal,
  leaveUpdate,
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
  const activities = proxyActivities<SequentialActivities>({
    taskQueue: settings.workflowTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 10, initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
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
  let checkins = 0;
  let turnWorkflowId: string | undefined;
  const ceremony = getExternalWorkflowHandle(input.ceremonyWorkflowId);

  const record = (kind: 'left' | 'missed-checkin' | 'banned' | 'unbanned', detail?: string): Promise<unknown> =>
    activities.writeRecord({ ceremonyId: settings.ceremonyId, kind, participantId: view.participantId, identity: view.identity, detail, at: Date.now() });

  setHandler(participantQuery, () => view);

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
      checkins += 1;
      if (view.status === 'ready' || view.status === 'contributing') {
        if (view.status === 'ready' && turnWorkflowId !== undefined) {
          getExternalWorkflowHandle(turnWorkflowId).signal(notifiedSignal, { at: now }).catch(ignore);
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
      const wait = expectedWait(req.averageRoundTripMs, req.waitersAhead);
      const next = nextCheckin(timing, {
        now,
        expectedWaitMs: wait,
        previousIntervalMs: req.first ? undefined : view.checkinIntervalMs,
        atHead: req.position <= 1 || req.waitersAhead === 0,
      });
      view.checkinDeadline = next.deadline;
      view.checkinIntervalMs = next.intervalMs;
      const lobbyStatus = wait < timing.halvingBelowWaitMs ? 'queued' : 'waiting';
      view.status = lobbyStatus;
      return {
        status: lobbyStatus,
        position: req.position,
        waitersAhead: req.waitersAhead,
        expectedWaitMs: wait,
        expectedStartAt: now + wait,
        averageRoundTripMs: req.averageRoundTripMs,
        nextDeadline: next.deadline,
        checkinIntervalMs: next.intervalMs,
        turnId: undefined,
      };
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
      record('left').catch(ignore);
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
    if (due !== undefined) getExternalWorkflowHandle(id).signal(checkinDueSignal, { by: due }).catch(ignore);
  });

  setHandler(joinFailedSignal, ({ reason }) => {
    if (inLobby(view.status)) {
      view.status = 'idle';
      view.removedReason = reason;
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
      if (wasQueued) ceremony.signal(leaveQueueSignal, { participantId: view.participantId, reason: 'banned' }).catch(ignore);
      record('banned', reason).catch(ignore);
    } else if (view.status === 'banned') {
      view.status = view.contributions >= settings.contributionsPerIdentity ? 'contributed' : 'idle';
      view.removedReason = undefined;
      record('unbanned', reason).catch(ignore);
    }
  });

  // The check-in deadline timer: armed while the participant waits in the lobby.
  const armed = (): boolean => inLobby(view.status) && view.checkinDeadline !== undefined;
  const atRest = (): boolean => !inLobby(view.status) && view.status !== 'ready' && view.status !== 'contributing';
  for (;;) {
    await condition(() => armed() || (workflowInfo().continueAsNewSuggested && atRest()));
    if (!armed()) {
      await condition(allHandlersFinished);
      // A handler may have changed the status meanwhile: continue as new only at rest.
      if (atRest()) await continueAsNew<typeof participantWorkflow>({ ...input, state: view });
      continue;
    }
    const seen = checkins;
    const removeAt = (view.checkinDeadline ?? Date.now()) + timing.checkinGraceMs;
    const checkedIn = await condition(() => checkins !== seen || !inLobby(view.status), Math.max(1, removeAt - Date.now()));
    if (!checkedIn && inLobby(view.status)) {
      view.status = 'idle';
      view.removedReason = 'missed-checkin';
      view.checkinDeadline = undefined;
      view.strikes += 1;
      view.penaltyUntil = Date.now() + timing.rejoinPenaltyMs;
      await ceremony.signal(leaveQueueSignal, { participantId: view.participantId, reason: 'missed-checkin' });
      await record('missed-checkin');
    }
  }
}
