// The ceremony actor (sequential mode): a main loop that takes the next participant from the FIFO
// queue and runs its turn (a child workflow) to its outcome, one at a time. Joins, departures and the
// admin phases arrive as messages; the state and its rules are ceremony-state.ts.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { CEREMONY_ID, indexedStart, PARTICIPANT_IDENTITY } from '../../common/search-attributes.js';
import type { SequentialActivities } from './activities-api.js';
import {
  applyOutcome,
  averageRoundTripMs,
  carryCeremonyState,
  dequeue,
  enqueue,
  finaliseRefusal,
  lineupOf,
  newCeremonyState,
  openNextTurn,
  resumeCeremonyState,
  turnMayOpen,
  whereabouts,
  type CarriedCeremonyState,
  type CeremonyState,
  type RunningTurn,
} from './ceremony-state.js';
import { rejection } from '../rejection.js';
import { ceremonyWorkflowIdFor, participantWorkflowIdFor } from './ids.js';
import {
  announceBeaconUpdate,
  calledSignal,
  cancelSignal,
  closeLobbyUpdate,
  pauseUpdate,
  resumeUpdate,
  finaliseUpdate,
  joinBatchUpdate,
  leaveQueueSignal,
  lineupQuery,
  queueQuery,
  recordedOutcomesQuery,
  removedSignal,
  snapshotQuery,
  turnFinishedSignal,
  turnOutcomeSignal,
  whereaboutsQuery,
  type JoinRequest,
  type JoinResult,
} from './messages.js';
import { turnWorkflow } from './turn.js';
import type { CeremonyPhaseView, QueueSnapshot, SequentialSettings, TranscriptHead, TurnOutcome } from './types.js';
import { describedBy } from '../message-descriptions.js';

export type { CeremonyState } from './ceremony-state.js';

export interface CeremonyInput {
  settings: SequentialSettings;
  state?: CarriedCeremonyState;
  /** The turn running when the previous run continued as new, and its outcome if it had come. */
  running?: CarriedTurn;
}

/** A running turn carried through continue-as-new. */
export interface CarriedTurn {
  turn: RunningTurn;
  base: TranscriptHead;
  outcome?: TurnOutcome;
}

/** Most joins one joinBatch update may carry (its payload stays far under Temporal's 2 MB). */
export const MAX_JOIN_BATCH = 1_000;

export const ceremonyWorkflowId = ceremonyWorkflowIdFor;

export function turnWorkflowIdFor(ceremonyId: string, turnId: string): string {
  return `ceremony-${ceremonyId}-${turnId}`;
}

export async function sequentialCeremonyWorkflow(input: CeremonyInput): Promise<void> {
  const { settings } = input;
  const { timing } = settings;
  const activities = proxyActivities<SequentialActivities>({
    taskQueue: settings.verificationTaskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: { maximumAttempts: 20, initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const light = proxyActivities<SequentialActivities>({
    taskQueue: settings.workflowTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
  });
  const state: CeremonyState = input.state === undefined ? newCeremonyState() : resumeCeremonyState(input.state);
  let running: RunningTurn | null = input.running?.turn ?? null;
  /** The running turn's outcome, once its report has come (turnOutcomeSignal). */
  let reported: TurnOutcome | undefined = input.running?.outcome;
  let finalising = false;
  let announcing = false;
  const conflict = (message: string): ApplicationFailure => rejection('PHASE_CONFLICT', message);
  const ceremonyRecord = (kind: 'lobby-closed' | 'ceremony-paused' | 'ceremony-resumed' | 'beacon-announced', detail: string, data: Record<string, unknown>) =>
    light.writeRecord({ ceremonyId: settings.ceremonyId, kind, participantId: '', identity: '', detail, data, at: Date.now() });
  /** Signals sent and not yet acknowledged: the workflow continues as new only once they have settled. */
  const pending = new Set<Promise<void>>();
  /** A signal whose failure loses nothing (its receiver is gone): tracked, and a failure logged. */
  const tell = (what: string, sent: Promise<void>): void => {
    const settled: Promise<void> = sent.catch((err: unknown) => log.warn(`ceremony: ${what} failed`, { error: String(err) })).finally(() => pending.delete(settled));
    pending.add(settled);
  };
  /** Set while waiting to continue as new: joins answer at once (the next run calls the front of the queue). */
  let continuing = false;
  /** The turn whose participant has been told it is called (the signal is in its history). */
  let calledTurnId: string | undefined = input.running?.turn.turnId;

  setHandler(
    snapshotQuery,
    (): QueueSnapshot => ({
      ceremonyId: settings.ceremonyId,
      queueLength: state.queue.length,
      current: running === null ? null : { participantId: running.participantId, turnId: running.turnId, startedAt: running.startedAt },
      head: state.head,
      lastRecordKey: state.lastRecordKey,
      averageRoundTripMs: averageRoundTripMs(state, timing),
      stats: state.stats,
      phase: state.phase,
    }),
    describedBy(snapshotQuery),
  );
  setHandler(whereaboutsQuery, (participantId) => whereabouts(state, running, participantId, timing), describedBy(whereaboutsQuery));
  setHandler(lineupQuery, () => lineupOf(state, running, timing, workflowInfo().firstExecutionRunId), describedBy(lineupQuery));
  setHandler(queueQuery, () => state.queue.map((e) => e.participantId), describedBy(queueQuery));
  setHandler(recordedOutcomesQuery, () => state.outcomes, describedBy(recordedOutcomesQuery));
  setHandler(
    turnOutcomeSignal,
    (outcome) => {
      if (running?.turnId === outcome.turnId) reported ??= outcome;
    },
    describedBy(turnOutcomeSignal),
  );

  setHandler(
    joinBatchUpdate,
    async (requests: JoinRequest[]): Promise<JoinResult[]> => {
      const refusals = requests.map((req) => enqueue(state, running, { participantId: req.participantId, identity: req.identity }));
      // One at the front with no turn running is called in this same workflow task by the main loop:
      // wait for it, so that the answer says so.
      // Then the participant has been told, so that its first check-in answers `ready`.
      await condition(() => continuing || (state.head !== null && !(running === null && turnMayOpen(state) && !finalising) && (running === null || calledTurnId === running.turnId)));
      return requests.map((req, i) => {
        const refused = refusals[i];
        return { whereabouts: whereabouts(state, running, req.participantId, timing), ...(refused === undefined ? {} : { refused }) };
      });
    },
    {
      ...describedBy(joinBatchUpdate),
      validator: (requests) => {
        if (requests.length === 0 || requests.length > MAX_JOIN_BATCH) throw rejection('BAD_REQUEST', `1 to ${MAX_JOIN_BATCH} joins per batch`);
      },
    },
  );

  setHandler(
    leaveQueueSignal,
    ({ participantId, reason, detail }) => {
      dequeue(state, participantId, reason);
      // An admin drop comes from outside the participant's workflow: tell it, so that its next check-in
      // says it is out of the queue (instead of answering as if it still waited at the back).
      if (reason === 'dropped')
        tell(
          'telling a dropped participant',
          getExternalWorkflowHandle(participantWorkflowIdFor(settings.ceremonyId, participantId)).signal(removedSignal, { reason, ...(detail === undefined ? {} : { detail }) }),
        );
      // Holding the turn: banned or dropped; or it left, or missed a check-in, just as the turn opened
      // for it (the two crossed): the turn is cancelled, so the next is called, and nobody is struck twice.
      if (running?.participantId === participantId) {
        tell('cancelling the turn', getExternalWorkflowHandle(running.turnWorkflowId).signal(cancelSignal, { reason }));
      }
    },
    describedBy(leaveQueueSignal),
  );

  // Phases (issue #10): an admin closes the lobby, announces the beacon (source and iterations) before
  // its value exists, and once the queue has drained finalises with the value. Each step is a record.
  setHandler(
    closeLobbyUpdate,
    async ({ reason }) => {
      state.phase = { ...state.phase, phase: 'closed', closedAt: Date.now(), closedReason: reason };
      await ceremonyRecord('lobby-closed', reason, { waiting: state.queue.length });
      return state.phase;
    },
    {
      ...describedBy(closeLobbyUpdate),
      validator: (_: { reason: string }) => {
        if (state.phase.phase !== 'open' && state.phase.phase !== 'paused') throw conflict(`the ceremony is already ${state.phase.phase}`);
      },
    },
  );
  setHandler(
    pauseUpdate,
    async ({ reason }) => {
      state.phase = { ...state.phase, phase: 'paused', pausedAt: Date.now(), pausedReason: reason };
      await ceremonyRecord('ceremony-paused', reason, { waiting: state.queue.length, turnRunning: running !== null });
      return state.phase;
    },
    {
      ...describedBy(pauseUpdate),
      validator: (_: { reason: string }) => {
        if (state.phase.phase !== 'open') throw conflict(`only an open ceremony can be paused (it is ${state.phase.phase})`);
      },
    },
  );
  setHandler(
    resumeUpdate,
    async ({ reason }) => {
      const { pausedAt: _at, pausedReason: _why, ...rest } = state.phase;
      state.phase = { ...rest, phase: 'open' };
      await ceremonyRecord('ceremony-resumed', reason, { waiting: state.queue.length });
      return state.phase;
    },
    {
      ...describedBy(resumeUpdate),
      validator: (_: { reason: string }) => {
        if (state.phase.phase !== 'paused') throw conflict(`only a paused ceremony can be resumed (it is ${state.phase.phase})`);
      },
    },
  );
  setHandler(
    announceBeaconUpdate,
    async ({ source, iterations }) => {
      announcing = true;
      try {
        const announcedAt = Date.now();
        const { recordKey } = await ceremonyRecord('beacon-announced', source, { source, iterations, announcedAt: new Date(announcedAt).toISOString() });
        state.phase = { ...state.phase, beacon: { announcement: { source, iterations, announcedAt, recordKey } } };
        return state.phase;
      } finally {
        announcing = false;
      }
    },
    {
      ...describedBy(announceBeaconUpdate),
      validator: (_: { source: string; iterations: number }) => {
        if (state.phase.phase === 'final') throw conflict('the ceremony is final');
        if (state.phase.beacon !== undefined || announcing) throw conflict('a beacon is already announced; an announcement cannot change once made');
      },
    },
  );
  setHandler(
    finaliseUpdate,
    async ({ beaconValueHex }): Promise<CeremonyPhaseView> => {
      finalising = true;
      try {
        const announcement = state.phase.beacon?.announcement as NonNullable<CeremonyPhaseView['beacon']>['announcement'];
        const result = await activities.finaliseWithBeacon({
          ceremonyId: settings.ceremonyId,
          base: state.head as TranscriptHead,
          beaconValueHex,
          iterations: announcement.iterations,
          previousRecordKey: state.lastRecordKey,
          announcementRecordKey: announcement.recordKey,
        });
        state.head = result.head;
        state.lastRecordKey = result.recordKey;
        state.phase = {
          ...state.phase,
          phase: 'final',
          beacon: { announcement, final: { beaconValueHex, digestHex: result.digestHex, iterations: announcement.iterations, sequence: result.head.sequence, recordKey: result.recordKey } },
        };
        return state.phase;
      } finally {
        finalising = false;
      }
    },
    {
      ...describedBy(finaliseUpdate),
      validator: (_: { beaconValueHex: string }) => {
        const refusal = finaliseRefusal(state, running, finalising, announcing);
        if (refusal !== undefined) throw conflict(refusal);
      },
    },
  );

  /**
   * Starts a turn and calls its participant, in the workflow task that opens it. The turn runs on its
   * own (ABANDON: it outlives this run when the ceremony continues as new) and reports its outcome by
   * signal to whichever run is current.
   */
  async function startTurn(turn: RunningTurn, base: TranscriptHead): Promise<void> {
    const started = startChild(turnWorkflow, {
      workflowId: turn.turnWorkflowId,
      taskQueue: settings.workflowTaskQueue,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ settings, turnId: turn.turnId, participantId: turn.participantId, identity: turn.identity, base, previousRecordKey: state.lastRecordKey }],
      ...indexedStart(
        settings.searchAttributes,
        [
          { key: CEREMONY_ID, value: settings.ceremonyId },
          { key: PARTICIPANT_IDENTITY, value: turn.identity },
        ],
        `Turn ${turn.turnId}: contribution ${base.sequence + 1} by ${turn.identity}`,
      ),
    });
    // What the participant then sends the turn is retried until the turn has started (signal-started.ts).
    const calling = getExternalWorkflowHandle(participantWorkflowIdFor(settings.ceremonyId, turn.participantId))
      .signal(calledSignal, { turnId: turn.turnId, turnWorkflowId: turn.turnWorkflowId, sequence: base.sequence + 1 })
      .finally(() => {
        calledTurnId = turn.turnId;
      });
    tell('calling the participant', calling);
    try {
      const child = await started;
      // Within this run, a turn that ends without its report (terminated by an operator, failed) is
      // taken as cancelled; the report itself is what every run waits for.
      child.result().then(
        () => undefined,
        (err: unknown) => {
          if (running?.turnId !== turn.turnId || reported !== undefined) return;
          log.error('ceremony: a turn ended without reporting its outcome; taken as cancelled', { turnId: turn.turnId, error: String(err) });
          reported = { kind: 'cancelled', turnId: turn.turnId, participantId: turn.participantId, finishedAt: Date.now(), failedCheck: { code: 'INTERNAL', message: String(err) } };
        },
      );
    } catch (err) {
      log.error('ceremony: a turn could not start', { turnId: turn.turnId, error: String(err) });
      reported ??= { kind: 'cancelled', turnId: turn.turnId, participantId: turn.participantId, finishedAt: Date.now(), failedCheck: { code: 'INTERNAL', message: String(err) } };
    }
  }

  /** Continues as new once every handler and signal has settled, carrying the running turn if any. */
  async function continueAsNewNow(carried: CarriedTurn | undefined): Promise<never> {
    continuing = true;
    await condition(() => allHandlersFinished() && !finalising && pending.size === 0);
    // A report that came while handlers settled travels with the turn.
    const turn = carried === undefined ? undefined : { ...carried, ...(reported === undefined ? {} : { outcome: reported }) };
    return continueAsNew<typeof sequentialCeremonyWorkflow>({ settings, state: carryCeremonyState(state), ...(turn === undefined ? {} : { running: turn }) });
  }

  if (state.head === null) state.head = await activities.initialTranscript({ ceremonyId: settings.ceremonyId, sizes: settings.sizes });

  // The main loop: one turn at a time, in join order. Once the history grows long, continue as new,
  // between turns or during one (the turn reports to the next run).
  let base: TranscriptHead | undefined = input.running?.base;
  for (;;) {
    if (running === null) {
      await condition(() => (turnMayOpen(state) && !finalising) || workflowInfo().continueAsNewSuggested);
      if (workflowInfo().continueAsNewSuggested) await continueAsNewNow(undefined);
      base = state.head as TranscriptHead;
      const turn = openNextTurn(state, Date.now(), (turnId) => turnWorkflowIdFor(settings.ceremonyId, turnId));
      if (turn === undefined) continue;
      running = turn;
      reported = undefined;
      await startTurn(turn, base);
    }
    const turn: RunningTurn = running;
    const turnBase = base as TranscriptHead;
    await condition(() => reported !== undefined || workflowInfo().continueAsNewSuggested);
    if (reported === undefined) await continueAsNewNow({ turn, base: turnBase });
    const outcome = reported as TurnOutcome;
    applyOutcome(state, outcome, timing);
    running = null;
    reported = undefined;
    tell(
      'telling the participant its outcome',
      getExternalWorkflowHandle(participantWorkflowIdFor(settings.ceremonyId, turn.participantId)).signal(turnFinishedSignal, {
        turnId: turn.turnId,
        kind: outcome.kind,
        sequence: outcome.head?.sequence ?? turnBase.sequence + 1,
        receiptId: outcome.receiptId,
        receiptKey: outcome.receiptKey,
        ...(outcome.kind === 'rejected' && outcome.failedCheck !== undefined ? { failedCheck: outcome.failedCheck } : {}),
      }),
    );
  }
}
