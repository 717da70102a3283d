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
import type { ParticipantSettings } from './types.js';
import { describedBy } from '../message-descriptions.js';

export interface ParticipantInput {
  settings: ParticipantSettings;
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
  const track = (what: string, work: Promise<unknown>): Promise<void> => {
    const settled: Promise<void> = work
      .then(
        () => undefined,
        (err: unknown) => log.warn(`participant: ${what} failed`, { participantId: state.participantId, error: String(err) }),
      )
      .finally(() => pending.delete(settled));
    pending.add(settled);
    return settled;
  };
  const writeRecord = (kind: Parameters<SequentialActivities['writeRecord']>[0]['kind'], detail?: string, data?: Record<string, unknown>): void =>
    void track(`the ${kind} record`, records.writeRecord({ ceremonyId: settings.ceremonyId, kind, participantId: state.participantId, identity: state.identity, detail, data, at: Date.now() }));
  /** Carries out an effect; resolves once the ceremony has taken a leaveQueue signal (the others settle on their own). */
  const carryOut = (effect: ParticipantEffect): Promise<void> => {
    switch (effect.type) {
      case 'leaveQueue':
        return track('telling the ceremony', ceremony.signal(leaveQueueSignal, { participantId: state.participantId, reason: effect.reason }));
      case 'record':
        writeRecord(effect.kind, effect.detail);
        return Promise.resolve();
      case 'notifyTurn':
        void track('telling the turn', signalStarted(effect.turnWorkflowId, notifiedSignal, { at: effect.at }));
        return Promise.resolve();
      case 'checkinDue':
        void track('telling the turn', signalStarted(effect.turnWorkflowId, checkinDueSignal, { by: effect.by }));
        return Promise.resolve();
    }
  };
  /** Applies an event; the promise settles once the ceremony has heard of a departure it caused. */
  const apply = (event: ParticipantEvent): Promise<void> => {
    const { state: next, effects } = applyParticipant(state, event, rules);
    state = next;
    version += 1;
    return Promise.all(effects.map(carryOut)).then(() => undefined);
  };

  setHandler(participantQuery, () => participantView(state), describedBy(participantQuery));
  setHandler(
    enterUpdate,
    ({ identity }) => {
      apply({ type: 'enter', identity, at: Date.now() });
      return participantView(state);
    },
    {
      ...describedBy(enterUpdate),
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
      ...describedBy(checkinUpdate),
      validator: ({ first }) => {
        const refusal = checkinRefusal(state, first);
        if (refusal !== undefined) throw refused(refusal);
      },
    },
  );
  setHandler(
    leaveUpdate,
    async () => {
      // Answered once the ceremony has the departure: a join right after it cannot be overtaken by it.
      await apply({ type: 'leave', at: Date.now() });
      return participantView(state);
    },
    {
      ...describedBy(leaveUpdate),
      validator: () => {
        const refusal = leaveRefusal(state);
        if (refusal !== undefined) throw refused(refusal);
      },
    },
  );
  setHandler(calledSignal, ({ turnId, turnWorkflowId }) => apply({ type: 'called', turnId, turnWorkflowId }), describedBy(calledSignal));
  setHandler(turnFinishedSignal, (finished) => apply({ type: 'turnFinished', ...finished, at: Date.now() }), describedBy(turnFinishedSignal));
  setHandler(removedSignal, ({ reason, detail }) => apply({ type: 'removed', reason, at: Date.now(), ...(detail === undefined ? {} : { detail }) }), describedBy(removedSignal));
  setHandler(banSignal, ({ banned, reason }) => apply({ type: 'ban', banned, reason, at: Date.now() }), describedBy(banSignal));

  // The deadline loop: while the participant waits, its removal is this timer. When it fires, the
  // coordinator's outages since the check-in that set the deadline move it back (fair-deadline.ts);
  // a moved deadline is recorded, so operators see whom an outage would have cost a place.
  /** A deadline moved back by an outage, looked at again at its new expiry (only newer outages count). */
  let moved: { since: number; expiry: number } | undefined;
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
      moved = undefined;
      continue;
    }
    const check = moved ?? { since: standing.answeredAt, expiry };
    if (await condition(changed, Math.max(1, check.expiry - Date.now()))) {
      if (version !== seen) moved = undefined;
      continue;
    }
    const verdict = await fairDeadline({ ceremonyId: settings.ceremonyId, pulse: settings.pulse, since: check.since, expiry: check.expiry, graceMs: timing.checkinGraceMs });
    if (version !== seen) continue;
    if (verdict.next !== undefined) {
      if (moved === undefined) {
        writeRecord('deadline-excused', "check-in deadline moved back by the coordinator's outage", { expiry, movedTo: verdict.expiry, outages: verdict.outages });
      }
      moved = verdict.next;
      continue;
    }
    moved = undefined;
    apply({ type: 'missed', at: Date.now() });
  }
}
