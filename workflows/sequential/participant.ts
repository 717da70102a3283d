// The actor for one person (one identity) in a sequential ceremony. It owns the participant's state
// (participant-state.ts), its check-in deadline included: check-ins that count land here, and removal
// is this workflow's own timer, moved back by any outage of the coordinator (availability/).
import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { fairDeadline } from '../availability/fair-deadline.js';
import { rejection } from '../rejection.js';
import type { SequentialActivities } from './activities-api.js';
import { signalStarted } from './signal-started.js';
import {
  banSignal,
  calledSignal,
  checkinDueSignal,
  checkinUpdate,
  enterUpdate,
  leaveQueueSignal,
  leaveUpdate,
  notifiedSignal,
  participantQuery,
  removedSignal,
  turnFinishedSignal,
} from './messages.js';
import {
  applyParticipant,
  checkinAnswer,
  checkinRefusal,
  enterRefusal,
  inLobby,
  leaveRefusal,
  newParticipant,
  participantView,
  removalAt,
  type ParticipantEffect,
  type ParticipantEvent,
  type ParticipantState,
  type Refusal,
} from './participant-state.js';
import type { SequentialSettings } from './types.js';

export interface ParticipantInput {
  settings: SequentialSettings;
  participantId: string;
  ceremonyWorkflowId: string;
  /** Carried over by continue-as-new. */
  state?: ParticipantState;
}

function refused(refusal: Refusal): ApplicationFailure {
  return rejection(refusal.code, refusal.message, refusal.details);
}

export async function participantWorkflow(input: ParticipantInput): Promise<void> {
  const { settings } = input;
  const { timing } = settings;
  const rules = { timing, contributionsPerIdentity: settings.contributionsPerIdentity };
  // A record is retried until the store takes it (no attempt limit): evidence is never given up.
  const records = proxyActivities<Pick<SequentialActivities, 'writeRecord'>>({
    taskQueue: settings.workflowTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
  });
  const ceremony = getExternalWorkflowHandle(input.ceremonyWorkflowId);
  let state: ParticipantState = input.state ?? newParticipant(input.participantId);
  /** Bumped at every change: wakes the deadline loop. */
  let version = 0;

  // Work the rules start (records, signals) is tracked until it settles; a failure is logged; the
  // workflow continues as new only once all of it has settled.
  const pending = new Set<Promise<void>>();
  const track = (what: string, work: Promise<unknown>): void => {
    const settled: Promise<void> = work
      .then(
        () => undefined,
        (err: unknown) => log.warn(`participant: ${what} failed`, { participantId: state.participantId, error: String(err) }),
      )
      .finally(() => pending.delete(settled));
    pending.add(settled);
  };
  const writeRecord = (kind: Parameters<SequentialActivities['writeRecord']>[0]['kind'], detail?: string, data?: Record<string, unknown>): void =>
    track(`the ${kind} record`, records.writeRecord({ ceremonyId: settings.ceremonyId, kind, participantId: state.participantId, identity: state.identity, detail, data, at: Date.now() }));
  const carryOut = (effect: ParticipantEffect): void => {
    switch (effect.type) {
      case 'leaveQueue':
        track('telling the ceremony', ceremony.signal(leaveQueueSignal, { participantId: state.participantId, reason: effect.reason }));
        return;
      case 'record':
        writeRecord(effect.kind, effect.detail);
        return;
      case 'notifyTurn':
        track('telling the turn', signalStarted(effect.turnWorkflowId, notifiedSignal, { at: effect.at }));
        return;
      case 'checkinDue':
        track('telling the turn', signalStarted(effect.turnWorkflowId, checkinDueSignal, { by: effect.by }));
        return;
    }
  };
  const apply = (event: ParticipantEvent): void => {
    const { state: next, effects } = applyParticipant(state, event, rules);
    state = next;
    version += 1;
    for (const effect of effects) carryOut(effect);
  };

  setHandler(participantQuery, () => participantView(state));
  setHandler(
    enterUpdate,
    ({ identity }) => {
      apply({ type: 'enter', identity, at: Date.now() });
      return participantView(state);
    },
    {
      validator: ({ now }) => {
        const refusal = enterRefusal(state, rules, Math.max(now, Date.now()));
        if (refusal !== undefined) throw refused(refusal);
      },
    },
  );
  setHandler(
    checkinUpdate,
    ({ place, first }) => {
      const at = Date.now();
      apply({ type: 'checkin', place, first, at });
      return checkinAnswer(participantView(state), place, timing, at);
    },
    {
      validator: ({ first }) => {
        const refusal = checkinRefusal(state, first);
        if (refusal !== undefined) throw refused(refusal);
      },
    },
  );
  setHandler(
    leaveUpdate,
    () => {
      apply({ type: 'leave', at: Date.now() });
      return participantView(state);
    },
    {
      validator: () => {
        const refusal = leaveRefusal(state);
        if (refusal !== undefined) throw refused(refusal);
      },
    },
  );
  setHandler(calledSignal, ({ turnId, turnWorkflowId }) => apply({ type: 'called', turnId, turnWorkflowId }));
  setHandler(turnFinishedSignal, (finished) => apply({ type: 'turnFinished', ...finished, at: Date.now() }));
  setHandler(removedSignal, ({ reason }) => apply({ type: 'removed', reason }));
  setHandler(banSignal, ({ banned, reason }) => apply({ type: 'ban', banned, reason }));

  // The deadline loop: while the participant waits, its removal is this timer. When it fires, the
  // coordinator's outages since the check-in that set the deadline move it back (fair-deadline.ts);
  // a moved deadline is recorded, so operators see whom an outage would have cost a place.
  let excusedUntil: number | undefined;
  for (;;) {
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => allHandlersFinished() && pending.size === 0);
      // No await between this check and continue-as-new: nothing can change in between.
      await continueAsNew<typeof participantWorkflow>({ ...input, state });
    }
    const seen = version;
    const { standing } = state;
    const expiry = removalAt(state, timing);
    const changed = () => version !== seen || workflowInfo().continueAsNewSuggested;
    if (expiry === undefined || !inLobby(standing)) {
      await condition(changed);
      excusedUntil = undefined;
      continue;
    }
    const wakeAt = Math.max(expiry, excusedUntil ?? 0);
    if (await condition(changed, Math.max(1, wakeAt - Date.now()))) {
      if (version !== seen) excusedUntil = undefined;
      continue;
    }
    const since = standing.answeredAt;
    const verdict = await fairDeadline({ ceremonyId: settings.ceremonyId, pulse: settings.pulse, since, expiry, graceMs: timing.checkinGraceMs });
    if (version !== seen) continue;
    if (verdict.expiry > Date.now()) {
      if (excusedUntil === undefined) {
        writeRecord('deadline-excused', "check-in deadline moved back by the coordinator's outage", { expiry, movedTo: verdict.expiry, outages: verdict.outages });
      }
      excusedUntil = verdict.expiry;
      continue;
    }
    excusedUntil = undefined;
    apply({ type: 'missed', at: Date.now() });
  }
}
