// The ceremony actor (sequential mode): the FIFO queue, the pointer to the current transcript, the
// statistics; it calls participants in join order and runs one turn (a child workflow) at a time.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  ParentClosePolicy,
} from '@temporalio/workflow';
import type { SequentialActivities } from './activities-api.js';
import {
  announceBeaconUpdate,
  calledSignal,
  cancelSignal,
  closeLobbyUpdate,
  finaliseUpdate,
  joinFailedSignal,
  joinBatchUpdate,
  joinUpdate,
  leaveQueueSignal,
  recordedOutcomesQuery,
  snapshotQuery,
  turnFinishedSignal,
  type JoinRequest,
  type JoinResult,
} from './messages.js';
import { LOBBY_SHARD_CAPACITY } from './lobby.js';
import { turnWorkflow } from './turn.js';
import type { CeremonyPhaseView, CeremonyStats, QueueSnapshot, SequentialSettings, TranscriptHead, TurnOutcome } from './types.js';

interface QueueEntry {
  participantId: string;
  participantWorkflowId: string;
  identity: string;
  /** Join order: the value of `joins` when this entry joined (absent in state carried from before tickets). */
  ticket?: number;
}

interface CurrentTurn extends QueueEntry {
  turnId: string;
  turnWorkflowId: string;
  startedAt: number;
}

export interface CeremonyState {
  head: TranscriptHead | null;
  lastRecordKey: string | undefined;
  queue: QueueEntry[];
  /** Joins accepted so far (each join's ticket). */
  joins?: number;
  turnCounter: number;
  roundTrips: number[];
  stats: CeremonyStats;
  /** The most recent outcomes, newest last (bounded). */
  outcomes: TurnOutcome[];
  /** Absent in state carried from before phases: open. */
  phase?: CeremonyPhaseView;
}

export interface CeremonyInput {
  settings: SequentialSettings;
  state?: CeremonyState;
}

const MAX_OUTCOMES_KEPT = 200;
const MAX_QUEUE = 100_000;

/**
 * How many may wait in the queue: each lobby shard carries its table (about 250 bytes per waiting
 * participant) through continue-as-new, and Temporal refuses a payload over 2 MB; past this the queue
 * is full (CEREMONY_CLOSED), rather than a shard stalling.
 */
export function queueCapacity(lobbyShards: number): number {
  return Math.min(MAX_QUEUE, lobbyShards * LOBBY_SHARD_CAPACITY);
}
const MAX_JOIN_BATCH = 1_000;

export function ceremonyWorkflowId(ceremonyId: string): string {
  return `ceremony-${ceremonyId}`;
}

export function turnWorkflowIdFor(ceremonyId: string, turnId: string): string {
  return `ceremony-${ceremonyId}-${turnId}`;
}

export async function sequentialCeremonyWorkflow(input: CeremonyInput): Promise<void> {
  const { settings } = input;
  const activities = proxyActivities<SequentialActivities>({
    taskQueue: settings.verificationTaskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: { maximumAttempts: 20, initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const state: CeremonyState = input.state ?? {
    head: null,
    lastRecordKey: undefined,
    queue: [],
    turnCounter: 0,
    roundTrips: [],
    stats: { accepted: 0, rejected: 0, startMissed: 0, computeTimeouts: 0, aborted: 0, cancelled: 0, leftQueue: 0, removedForMissedCheckin: 0, turns: 0 },
    outcomes: [],
  };
  let current: CurrentTurn | null = null;
  let finalising = false;
  let announcing = false;
  let advancing = false;
  const capacity = queueCapacity(settings.lobbyShards);
  const light = proxyActivities<SequentialActivities>({
    taskQueue: settings.workflowTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
  });
  const phase = (): CeremonyPhaseView => state.phase ?? { phase: 'open' };
  const conflict = (message: string): ApplicationFailure => ApplicationFailure.create({ type: 'PHASE_CONFLICT', message, nonRetryable: true });
  const closedToJoins = { code: 'CEREMONY_CLOSED' as const, message: 'the ceremony is closed to new participants' };
  const ceremonyRecord = (kind: 'lobby-closed' | 'beacon-announced', detail: string, data: Record<string, unknown>) =>
    light.writeRecord({ ceremonyId: settings.ceremonyId, kind, participantId: '', identity: '', detail, data, at: Date.now() });

  const averageRoundTripMs = (): number =>
    state.roundTrips.length === 0 ? settings.timing.initialRoundTripMs : Math.round(state.roundTrips.reduce((a, b) => a + b, 0) / state.roundTrips.length);

  const positionOf = (participantId: string): number => state.queue.findIndex((e) => e.participantId === participantId);

  setHandler(snapshotQuery, (): QueueSnapshot => ({
    ceremonyId: settings.ceremonyId,
    queue: state.queue.map((e) => e.participantId),
    current: current === null ? null : { participantId: current.participantId, turnId: current.turnId, startedAt: current.startedAt },
    head: state.head,
    lastRecordKey: state.lastRecordKey,
    averageRoundTripMs: averageRoundTripMs(),
    stats: state.stats,
    lastTicket: state.joins ?? 0,
    phase: phase(),
  }));
  setHandler(recordedOutcomesQuery, () => state.outcomes);

  const queueFull = (): JoinResult['refused'] => ({ code: 'CEREMONY_CLOSED', message: 'the queue is full; try again later' });

  /** Joins the queue (once): false when the queue is full. */
  const enqueue = (req: JoinRequest): boolean => {
    if (current?.participantId === req.participantId || positionOf(req.participantId) >= 0) return true;
    if (state.queue.length >= capacity || phase().phase !== 'open') return false;
    state.joins = (state.joins ?? 0) + 1;
    state.queue.push({ participantId: req.participantId, participantWorkflowId: req.participantWorkflowId, identity: req.identity, ticket: state.joins });
    return true;
  };

  const placeOf = (participantId: string): JoinResult => {
    if (current?.participantId === participantId) {
      return { position: 0, waitersAhead: 0, averageRoundTripMs: averageRoundTripMs(), turnId: current.turnId, ticket: 0 };
    }
    const index = positionOf(participantId);
    const ticket = state.queue[index]?.ticket ?? 0;
    return { position: index + 1, waitersAhead: index + (current === null ? 0 : 1), averageRoundTripMs: averageRoundTripMs(), turnId: undefined, ticket };
  };

  const join = async (requests: JoinRequest[]): Promise<JoinResult[]> => {
    const accepted = requests.map(enqueue);
    await condition(() => state.head !== null);
    await advance();
    return requests.map((req, i) => (accepted[i] === true ? placeOf(req.participantId) : { ...placeOf(req.participantId), refused: phase().phase === 'open' ? queueFull() : closedToJoins }));
  };

  setHandler(joinUpdate, async (req): Promise<JoinResult> => (await join([req]))[0] as JoinResult, {
    validator: (req) => {
      const known = positionOf(req.participantId) >= 0 || current?.participantId === req.participantId;
      if (!known && phase().phase !== 'open') throw ApplicationFailure.create({ type: 'CEREMONY_CLOSED', message: closedToJoins.message, nonRetryable: true });
      if (state.queue.length >= capacity && !known) {
        throw ApplicationFailure.create({ type: 'CEREMONY_CLOSED', message: queueFull()?.message ?? '', nonRetryable: true });
      }
    },
  });
  setHandler(joinBatchUpdate, join, {
    validator: (requests) => {
      if (requests.length === 0 || requests.length > MAX_JOIN_BATCH) throw ApplicationFailure.create({ type: 'BAD_REQUEST', message: `1 to ${MAX_JOIN_BATCH} joins per batch`, nonRetryable: true });
    },
  });

  setHandler(leaveQueueSignal, ({ participantId, reason }) => {
    const index = positionOf(participantId);
    if (index >= 0) {
      const [entry] = state.queue.splice(index, 1);
      if (reason === 'missed-checkin') state.stats.removedForMissedCheckin += 1;
      else state.stats.leftQueue += 1;
      // An admin drop comes from outside the participant's workflow: tell it, so that its next check-in
      // says it is out of the queue (instead of answering as if it still waited at the back).
      if (reason === 'dropped' && entry !== undefined) {
        getExternalWorkflowHandle(entry.participantWorkflowId).signal(joinFailedSignal, { reason }).catch(() => undefined);
      }
    }
    if (current?.participantId === participantId && (reason === 'banned' || reason === 'dropped')) {
      const turn = current;
      getExternalWorkflowHandle(turn.turnWorkflowId).signal(cancelSignal, { reason }).catch(() => undefined);
    }
  });

  // Phases (issue #10): an admin closes the lobby, announces the beacon (source and iterations) before
  // its value exists, and once the queue has drained finalises with the value. Each step is a record.
  setHandler(
    closeLobbyUpdate,
    async ({ reason }) => {
      state.phase = { ...phase(), phase: 'closed', closedAt: Date.now(), closedReason: reason };
      await ceremonyRecord('lobby-closed', reason, { waiting: state.queue.length });
      return phase();
    },
    {
      validator: (_: { reason: string }) => {
        if (phase().phase !== 'open') throw conflict(`the ceremony is already ${phase().phase}`);
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
        state.phase = { ...phase(), beacon: { announcement: { source, iterations, announcedAt, recordKey } } };
        return phase();
      } finally {
        announcing = false;
      }
    },
    {
      validator: (_: { source: string; iterations: number }) => {
        if (phase().phase === 'final') throw conflict('the ceremony is final');
        if (phase().beacon !== undefined || announcing) throw conflict('a beacon is already announced; an announcement cannot change once made');
      },
    },
  );
  setHandler(
    finaliseUpdate,
    async ({ beaconValueHex }) => {
      finalising = true;
      try {
        const announcement = phase().beacon?.announcement as NonNullable<CeremonyPhaseView['beacon']>['announcement'];
        const base = state.head as TranscriptHead;
        const result = await activities.finaliseWithBeacon({
          ceremonyId: settings.ceremonyId,
          base,
          beaconValueHex,
          iterations: announcement.iterations,
          previousRecordKey: state.lastRecordKey,
          announcementRecordKey: announcement.recordKey,
        });
        state.head = result.head;
        state.lastRecordKey = result.recordKey;
        state.phase = {
          ...phase(),
          phase: 'final',
          beacon: { announcement, final: { beaconValueHex, digestHex: result.digestHex, iterations: announcement.iterations, sequence: result.head.sequence, recordKey: result.recordKey } },
        };
        return phase();
      } finally {
        finalising = false;
      }
    },
    {
      validator: (_: { beaconValueHex: string }) => {
        const p = phase();
        if (p.phase === 'final') throw conflict('the ceremony is already final');
        if (p.phase !== 'closed') throw conflict('close the lobby first (POST /admin/close)');
        if (p.beacon === undefined || announcing) throw conflict('announce the beacon first (POST /admin/beacon), before its value exists');
        if (current !== null || advancing || state.queue.length > 0) throw conflict(`the queue has not drained yet (${state.queue.length} waiting${current === null ? '' : ', one contributing'})`);
        if (finalising || state.head === null) throw conflict('the ceremony is already being finalised');
      },
    },
  );

  async function advance(): Promise<void> {
    if (advancing) {
      await condition(() => !advancing);
      return;
    }
    advancing = true;
    try {
      while (current === null && state.queue.length > 0 && state.head !== null) {
        const next = state.queue.shift() as QueueEntry;
        state.turnCounter += 1;
        const turnId = `turn-${state.turnCounter}`;
        const turnWorkflowId = turnWorkflowIdFor(settings.ceremonyId, turnId);
        const turn: CurrentTurn = { ...next, turnId, turnWorkflowId, startedAt: Date.now() };
        current = turn;
        const started = startChild(turnWorkflow, {
          workflowId: turnWorkflowId,
          taskQueue: settings.workflowTaskQueue,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          args: [{ settings, turnId, participantId: next.participantId, identity: next.identity, base: state.head, previousRecordKey: state.lastRecordKey }],
        });
        // Called in the same workflow task that starts the turn (one task fewer on the hand-off); what
        // the participant sends the turn is retried until the turn has started (signal-started.ts).
        const called = getExternalWorkflowHandle(next.participantWorkflowId)
          .signal(calledSignal, { turnId, turnWorkflowId, sequence: state.head.sequence + 1 })
          .catch(() => undefined);
        const handle = await started;
        await called;
        handle.result().then(
          (outcome) => finish(turn, outcome),
          (err: unknown) =>
            finish(turn, { kind: 'cancelled', turnId, participantId: turn.participantId, finishedAt: Date.now(), failedCheck: { code: 'INTERNAL', message: String(err) } }),
        );
      }
    } finally {
      advancing = false;
    }
  }

  function finish(turn: CurrentTurn, outcome: TurnOutcome): void {
    state.stats.turns += 1;
    if (outcome.recordKey !== undefined) state.lastRecordKey = outcome.recordKey;
    switch (outcome.kind) {
      case 'accepted':
        state.stats.accepted += 1;
        if (outcome.head !== undefined) state.head = outcome.head;
        break;
      case 'rejected':
        state.stats.rejected += 1;
        break;
      case 'start-missed':
        state.stats.startMissed += 1;
        break;
      case 'compute-timeout':
        state.stats.computeTimeouts += 1;
        break;
      case 'aborted':
        state.stats.aborted += 1;
        break;
      case 'cancelled':
        state.stats.cancelled += 1;
        break;
    }
    if (outcome.roundTripMs !== undefined) {
      state.roundTrips.push(outcome.roundTripMs);
      while (state.roundTrips.length > settings.timing.roundTripWindow) state.roundTrips.shift();
    }
    state.outcomes.push(outcome);
    while (state.outcomes.length > MAX_OUTCOMES_KEPT) state.outcomes.shift();
    getExternalWorkflowHandle(turn.participantWorkflowId)
      .signal(turnFinishedSignal, {
        turnId: turn.turnId,
        kind: outcome.kind,
        sequence: outcome.head?.sequence ?? (state.head?.sequence ?? 0) + 1,
        receiptId: outcome.receiptId,
        receiptKey: outcome.receiptKey,
      })
      .catch(() => undefined);
    current = null;
    // The queue advances at once.
    void advance();
  }

  if (state.head === null) {
    state.head = await activities.initialTranscript({ ceremonyId: settings.ceremonyId, sizes: settings.sizes });
  }
  await advance();

  // Continue-as-new between turns once the history grows long.
  // A join handled while waiting for the handlers may have started a turn: check again, with no
  // await between the check and the continue-as-new, so a running turn is never left behind.
  for (;;) {
    await condition(() => workflowInfo().continueAsNewSuggested && current === null && !advancing && !finalising);
    await condition(allHandlersFinished);
    if (current === null && !advancing && !finalising) break;
  }
  await continueAsNew<typeof sequentialCeremonyWorkflow>({ settings, state });
}
