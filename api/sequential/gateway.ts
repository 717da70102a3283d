// The sequential ceremony as the API sees it: each participant call becomes an update, signal or
// query on the workflow that owns the state. Stateless apart from a short-lived snapshot cache.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { CeremonyError } from '../../common/errors.js';
import type { Config } from '../../common/config.js';
import {
  abortUpdate,
  announceBeaconUpdate,
  closeLobbyUpdate,
  finaliseUpdate,
  banSignal,
  checkinUpdate,
  completeUpdate,
  enterUpdate,
  joinBatchUpdate,
  leaveQueueSignal,
  leaveUpdate,
  completeRefusal,
  joinFailedSignal,
  participantQuery,
  snapshotQuery,
  startUpdate,
  turnStateQuery,
  type CompleteResult,
  type JoinRequest,
  type JoinResult,
  type StartResult,
} from '../../workflows/sequential/messages.js';
import { ceremonyWorkflowId, participantWorkflow, sequentialCeremonyWorkflow, turnWorkflowIdFor } from '../../workflows/sequential/index.js';
import type { CeremonyPhaseView, CheckinResponse, ParticipantView, QueueSnapshot, SequentialSettings } from '../../workflows/sequential/types.js';
import { viaTemporal } from '../temporal-errors.js';
import { DEFAULT_UPDATE_BUDGET, executeBoundedUpdate } from '../bounded-update.js';
import { lobbyAnswer } from '../../workflows/sequential/checkin-schedule.js';
import type { LivenessEntry } from '../../workflows/sequential/messages.js';
import { lookUpLiveness } from './liveness-lookup.js';
import { Batcher } from './batcher.js';
import { LivenessRecorder } from './liveness-recorder.js';
import { participantIdOf, participantWorkflowId, sequentialSettings } from './settings.js';

const SNAPSHOT_MAX_AGE_MS = 250;
/** A check-in may compute its position from a snapshot up to this old (see checkinSnapshot). */
const SNAPSHOT_STALE_MAX_MS = 5_000;
/** Most turn hints kept (see turnHints); the map is emptied when full. */
const TURN_HINTS_MAX = 10_000;
/** Most last answers kept (see lastAnswers); expired ones go first when full. */
const LAST_ANSWERS_MAX = 200_000;
/**
 * Check-ins from these first places in the queue (by the snapshot) go through the participant's
 * workflow, which knows authoritatively when it has been called; the snapshot may be a turn behind.
 */
const HEAD_PLACES = 2;
/** contribution/complete waits for verification: attempts as usual, but up to just under the client's 300 s. */
const COMPLETE_BUDGET = { ...DEFAULT_UPDATE_BUDGET, totalMs: 280_000 };
/** Most joins one update carries (the ceremony accepts up to 1 000). */
const JOIN_BATCH_MAX = 500;
/** How long contribution/start waits for a turn workflow that has been called but not yet started. */
const TURN_START_WAIT_MS = 2_000;

/** The statuses of a participant an admin can drop: in the queue, or holding the turn. */
const DROPPABLE: ReadonlySet<ParticipantView['status']> = new Set(['waiting', 'queued', 'ready', 'contributing']);

export interface Caller {
  identity: string;
}

/**
 * What a replica remembers of the last check-in it answered for a participant; with the places it gave
 * (`ahead`, `waitersAhead`), which never grow while the participant waits (the queue is FIFO and joins
 * go behind), so they bound what an older snapshot would say.
 */
type LastAnswer = Pick<LivenessEntry, 'deadline' | 'intervalMs' | 'ticket'> & { ahead?: number; waitersAhead?: number };

export class SequentialGateway {
  readonly settings: SequentialSettings;
  private cached: { at: number; snapshot: Promise<QueueSnapshot>; settled: boolean } | undefined;
  /** The newest snapshot that arrived and was not invalidated since, with the time its query was sent. */
  private lastGood: { at: number; snapshot: QueueSnapshot } | undefined;
  /**
   * participantId → the turn workflow that this replica's last `ready` answer named, so that
   * contribution/start can skip the participant query (one Temporal round trip) on the hand-off
   * path. Only a hint: when the call through it fails, start() decides from the participant's record.
   */
  private readonly turnHints = new Map<string, string>();
  /** participantId → the deadline and interval of the last check-in this replica answered for it. */
  private readonly lastAnswers = new Map<string, LastAnswer>();
  /** Position index of the snapshot it was built from. */
  private indexed: { snapshot: QueueSnapshot; positions: Map<string, number> } | undefined;
  private readonly liveness: LivenessRecorder;
  /** Concurrent enters join the queue together: one update on the ceremony per batch. */
  private readonly joins: Batcher<JoinRequest, JoinResult>;

  constructor(
    private readonly client: Client,
    cfg: Config,
  ) {
    this.settings = sequentialSettings(cfg);
    this.liveness = new LivenessRecorder(client, this.settings, cfg.ceremony.sequential.checkinBatchMs, cfg.ceremony.sequential.checkinBatchesInFlight);
    this.joins = new Batcher((requests) => viaTemporal(() => executeBoundedUpdate(this.client, this.ceremony(), joinBatchUpdate, [requests]), this.noCeremony), 0, JOIN_BATCH_MAX);
  }

  get ceremonyWorkflowId(): string {
    return ceremonyWorkflowId(this.settings.ceremonyId);
  }

  private ceremony() {
    return this.client.workflow.getHandle(this.ceremonyWorkflowId);
  }

  private participantHandle(identity: string) {
    const participantId = participantIdOf(identity);
    return { participantId, workflowId: participantWorkflowId(this.settings.ceremonyId, participantId) };
  }

  private notInQueue = (): CeremonyError => new CeremonyError('NOT_IN_QUEUE', 'you have not entered the lobby; call lobby/enter first');
  private noCeremony = (): CeremonyError => new CeremonyError('NOT_READY', 'the ceremony is not running');

  /** Starts the ceremony workflow unless it already runs. */
  async ensureCeremony(): Promise<void> {
    await viaTemporal(
      () =>
        this.client.workflow.start(sequentialCeremonyWorkflow, {
          workflowId: this.ceremonyWorkflowId,
          taskQueue: this.settings.workflowTaskQueue,
          args: [{ settings: this.settings }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      this.noCeremony,
    );
  }

  /** After a call that changes the queue or ends a turn: the next check-in waits for a fresh snapshot. */
  private invalidate(): void {
    this.cached = undefined;
    this.lastGood = undefined;
  }

  /**
   * The snapshot a check-in computes its position and expected wait from (estimates: whether it is the
   * caller's turn comes from the participant's workflow, never from here). While a newer snapshot is on
   * its way, or when the query fails, the last one serves for up to SNAPSHOT_STALE_MAX_MS, so a slow or
   * failing query on the busy ceremony workflow no longer holds up or fails every check-in. At most one
   * background query is in flight.
   */
  private async checkinSnapshot(): Promise<QueueSnapshot> {
    const good = this.lastGood;
    const age = good === undefined ? Number.POSITIVE_INFINITY : Date.now() - good.at;
    if (good === undefined || age > SNAPSHOT_STALE_MAX_MS) return this.snapshot();
    if (age > SNAPSHOT_MAX_AGE_MS && (this.cached === undefined || this.cached.settled)) this.snapshot().catch(() => undefined);
    return good.snapshot;
  }

  async snapshot(maxAgeMs = SNAPSHOT_MAX_AGE_MS): Promise<QueueSnapshot> {
    const now = Date.now();
    if (this.cached !== undefined && now - this.cached.at <= maxAgeMs) return this.cached.snapshot;
    const snapshot = viaTemporal(() => this.ceremony().query(snapshotQuery), this.noCeremony);
    const entry = { at: now, snapshot, settled: false };
    this.cached = entry;
    snapshot.then(
      (value) => {
        entry.settled = true;
        // Not when invalidated (or superseded) while the query was on its way.
        if (this.cached === entry) this.lastGood = { at: now, snapshot: value };
      },
      () => {
        entry.settled = true;
        if (this.cached === entry) this.cached = undefined;
      },
    );
    return snapshot;
  }

  async enter(caller: Caller): Promise<CheckinResponse & { participantId: string }> {
    const { participantId, workflowId } = this.participantHandle(caller.identity);
    await viaTemporal(
      () =>
        this.client.workflow.executeUpdateWithStart(enterUpdate, {
          args: [{ identity: caller.identity, now: Date.now() }],
          startWorkflowOperation: new WithStartWorkflowOperation(participantWorkflow, {
            workflowId,
            taskQueue: this.settings.workflowTaskQueue,
            args: [{ settings: this.settings, participantId, ceremonyWorkflowId: this.ceremonyWorkflowId }],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        }),
      this.noCeremony,
    );
    const joined = await this.joins.submit({ participantId, participantWorkflowId: workflowId, identity: caller.identity });
    if (joined.refused !== undefined) {
      // The participant's workflow took the enter; it must not stay 'waiting' for a queue it is not in.
      await viaTemporal(() => this.client.workflow.getHandle(workflowId).signal(joinFailedSignal, { reason: joined.refused?.code ?? 'refused' }), this.noCeremony).catch(() => undefined);
      throw new CeremonyError(joined.refused.code, joined.refused.message);
    }
    // A join appends to the queue: nobody else's position changes, so the last snapshot stays usable.
    this.cached = undefined;
    if (joined.position > 0) {
      // Waiting: the first deadline follows from the join alone (no previous interval).
      const answer = lobbyAnswer(this.settings.timing, { now: Date.now(), position: joined.position, waitersAhead: joined.waitersAhead, averageRoundTripMs: joined.averageRoundTripMs, previousIntervalMs: undefined });
      await this.answered(participantId, answer, joined.ticket);
      return { ...answer, participantId };
    }
    // Called at once: the participant's workflow answers `ready` and tells the turn.
    const response = await viaTemporal(
      () =>
        executeBoundedUpdate(this.client, this.client.workflow.getHandle(workflowId), checkinUpdate, [{ position: joined.position, waitersAhead: joined.waitersAhead, averageRoundTripMs: joined.averageRoundTripMs, first: true }]),
      this.notInQueue,
    );
    await this.answered(participantId, response, joined.ticket);
    return { ...response, participantId };
  }

  /** Keeps what a check-in answer implies: the turn hint when `ready`, else the deadline, recorded in the lobby. */
  private async answered(participantId: string, response: CheckinResponse, ticket: number): Promise<void> {
    this.rememberTurn(participantId, response);
    if (response.status === 'ready') {
      this.lastAnswers.delete(participantId);
      return;
    }
    const entry = { participantId, at: Date.now(), deadline: response.nextDeadline, intervalMs: response.checkinIntervalMs, ticket, status: response.status };
    await this.liveness.record(entry);
    this.rememberAnswer(participantId, { deadline: entry.deadline, intervalMs: entry.intervalMs, ticket, ahead: response.position - 1, waitersAhead: response.waitersAhead });
  }

  private rememberAnswer(participantId: string, answer: LastAnswer): void {
    if (this.lastAnswers.size >= LAST_ANSWERS_MAX && !this.lastAnswers.has(participantId)) {
      const expired = Date.now() - this.settings.timing.checkinGraceMs;
      for (const [id, a] of this.lastAnswers) if (a.deadline < expired) this.lastAnswers.delete(id);
      if (this.lastAnswers.size >= LAST_ANSWERS_MAX) this.lastAnswers.clear();
    }
    this.lastAnswers.set(participantId, answer);
  }

  /** The lobby shard's record of a participant's last answered check-in, or undefined. */
  private livenessOf(participantId: string): Promise<LivenessEntry | undefined> {
    return lookUpLiveness(this.client, this.settings, participantId);
  }

  private positionsIn(snapshot: QueueSnapshot): Map<string, number> {
    if (this.indexed?.snapshot !== snapshot) this.indexed = { snapshot, positions: new Map(snapshot.queue.map((id, i) => [id, i])) };
    return this.indexed.positions;
  }

  private rememberTurn(participantId: string, response: CheckinResponse): void {
    if (response.status !== 'ready' || response.turnId === undefined) return;
    if (this.turnHints.size >= TURN_HINTS_MAX) this.turnHints.clear();
    this.turnHints.set(participantId, turnWorkflowIdFor(this.settings.ceremonyId, response.turnId));
  }

  /**
   * A check-in. Someone waiting further back than the first places, whose last deadline (plus grace)
   * has not passed, is answered here from the snapshot with the seed's schedule and recorded in its
   * lobby shard (one batched signal for many check-ins, no workflow task of its own). Someone who
   * joined after the snapshot was taken (its join ticket is newer than the snapshot's) is placed by
   * its ticket. Everyone else (near the head, called, late, removed, unknown to this replica and to
   * the shard) goes through the participant's workflow, which decides with the exact errors.
   */
  async checkin(caller: Caller): Promise<CheckinResponse> {
    const { participantId, workflowId } = this.participantHandle(caller.identity);
    const snapshot = await this.checkinSnapshot();
    const known: LastAnswer | undefined = this.lastAnswers.get(participantId) ?? (await this.livenessOf(participantId));
    const index = this.positionsIn(snapshot).get(participantId);
    const joinedSince = index === undefined && known !== undefined && known.ticket > snapshot.lastTicket;
    // Not in the snapshot and not joined since: no longer waiting (the update refuses that with its reason).
    const estimated = index ?? (joinedSince ? snapshot.queue.length + (known.ticket - snapshot.lastTicket) - 1 : snapshot.queue.length);
    // An older snapshot can only overstate the places; what this replica last answered bounds them.
    const ahead = Math.min(estimated, known?.ahead ?? estimated);
    const position = ahead + 1;
    const waitersAhead = Math.min(ahead + (snapshot.current === null ? 0 : 1), known?.waitersAhead ?? Number.POSITIVE_INFINITY);
    const now = Date.now();
    const inTime = known !== undefined && now <= known.deadline + this.settings.timing.checkinGraceMs;
    if ((index !== undefined || joinedSince) && position > HEAD_PLACES && inTime) {
      const answer = lobbyAnswer(this.settings.timing, { now, position, waitersAhead, averageRoundTripMs: snapshot.averageRoundTripMs, previousIntervalMs: known.intervalMs });
      await this.answered(participantId, answer, known.ticket);
      return answer;
    }
    const response = await viaTemporal(
      () =>
        executeBoundedUpdate(this.client, this.client.workflow.getHandle(workflowId), checkinUpdate, [{ position, waitersAhead, averageRoundTripMs: snapshot.averageRoundTripMs, first: false, previousIntervalMs: known?.intervalMs }]),
      this.notInQueue,
    );
    await this.answered(participantId, response, known?.ticket ?? 0);
    return response;
  }

  async leave(caller: Caller): Promise<ParticipantView> {
    const { workflowId } = this.participantHandle(caller.identity);
    const view = await viaTemporal(() => this.client.workflow.getHandle(workflowId).executeUpdate(leaveUpdate), this.notInQueue);
    this.lastAnswers.delete(view.participantId);
    this.invalidate();
    return view;
  }

  /** The participant's record; while it waits in the lobby, with the deadline its lobby shard holds. */
  async participant(identity: string): Promise<ParticipantView> {
    const { participantId, workflowId } = this.participantHandle(identity);
    const view = await viaTemporal(() => this.client.workflow.getHandle(workflowId).query(participantQuery), this.notInQueue);
    if (view.status !== 'waiting' && view.status !== 'queued') return view;
    const entry = await this.livenessOf(participantId);
    if (entry === undefined || entry.deadline <= (view.checkinDeadline ?? 0)) return view;
    return { ...view, status: entry.status, checkinDeadline: entry.deadline, checkinIntervalMs: entry.intervalMs };
  }

  /** Admin: a participant's record; UNKNOWN_IDENTITY when the coordinator has none. */
  async participantForAdmin(identity: string): Promise<ParticipantView> {
    const { workflowId } = this.participantHandle(identity);
    return viaTemporal(
      () => this.client.workflow.getHandle(workflowId).query(participantQuery),
      () => new CeremonyError('UNKNOWN_IDENTITY', `the coordinator has no record of ${identity}`),
    );
  }

  private async currentTurn(caller: Caller): Promise<{ participantId: string; turnWorkflowId: string }> {
    return this.turnOf(await this.participant(caller.identity));
  }

  private turnOf(view: ParticipantView): { participantId: string; turnWorkflowId: string } {
    if (view.turnId === undefined) {
      if (view.status === 'idle' && view.lastOutcome === 'compute-timeout') {
        throw new CeremonyError('DEADLINE_MISSED', `the compute deadline of ${this.settings.timing.computeDeadlineMs / 1000} s passed; your slot went to the next participant`);
      }
      if (view.status === 'idle' && view.lastOutcome === 'start-missed') {
        throw new CeremonyError('START_WINDOW_MISSED', `contribution/start did not come within ${this.settings.timing.startWindowMs / 1000} s; your slot went to the next participant`);
      }
      throw new CeremonyError('NOT_YOUR_TURN', view.status === 'contributed' ? 'you have already contributed' : `it is not your turn (status ${view.status})`);
    }
    return { participantId: view.participantId, turnWorkflowId: turnWorkflowIdFor(this.settings.ceremonyId, view.turnId) };
  }

  async start(caller: Caller): Promise<StartResult> {
    const { participantId } = this.participantHandle(caller.identity);
    const hinted = this.turnHints.get(participantId);
    if (hinted !== undefined) {
      try {
        return await this.startTurn({ participantId, turnWorkflowId: hinted });
      } catch (err) {
        this.turnHints.delete(participantId);
        if (err instanceof CeremonyError && (err.code === 'TEMPORAL_UNAVAILABLE' || err.code === 'TIMEOUT')) throw err;
        // A stale hint (that turn is over): the participant's record decides, with the usual errors.
      }
    }
    return this.startTurn(await this.currentTurn(caller));
  }

  /**
   * The ceremony starts a turn and calls its participant in one workflow task, so a `ready` answer can
   * (rarely) reach the caller a moment before the turn workflow exists: wait briefly for it.
   */
  private async startTurn(turn: { participantId: string; turnWorkflowId: string }): Promise<StartResult> {
    const giveUp = Date.now() + TURN_START_WAIT_MS;
    const notFound = new CeremonyError('NOT_YOUR_TURN', 'your turn is over');
    for (;;) {
      try {
        return await viaTemporal(
          () => executeBoundedUpdate(this.client, this.client.workflow.getHandle(turn.turnWorkflowId), startUpdate, [{ participantId: turn.participantId }]),
          () => notFound,
        );
      } catch (err) {
        if (err !== notFound || Date.now() >= giveUp) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /**
   * The turn the caller may upload to now. Checked before the upload is read, with the same rules as
   * the turn's complete validator, so that a refused upload is never stored.
   */
  async turnForUpload(caller: Caller): Promise<{ participantId: string; turnWorkflowId: string }> {
    const view = await this.participant(caller.identity);
    const settled = view.status === 'idle' || view.status === 'contributed';
    if (view.turnId === undefined && settled && (view.lastOutcome === 'accepted' || view.lastOutcome === 'rejected')) {
      throw new CeremonyError('CONTRIBUTION_ALREADY_COMPLETED', 'this contribution was already completed');
    }
    const turn = this.turnOf(view);
    const { state, outcome } = await viaTemporal(
      () => this.client.workflow.getHandle(turn.turnWorkflowId).query(turnStateQuery),
      () => new CeremonyError('NO_CONTRIBUTION_IN_PROGRESS', 'your turn is over'),
    );
    const refusal = completeRefusal(state, outcome, this.settings.timing.computeDeadlineMs);
    if (refusal !== undefined) throw new CeremonyError(refusal.code, refusal.message);
    return turn;
  }

  async complete(turn: { participantId: string; turnWorkflowId: string }, uploadKey: string): Promise<CompleteResult> {
    const result = await viaTemporal(
      () => executeBoundedUpdate(this.client, this.client.workflow.getHandle(turn.turnWorkflowId), completeUpdate, [{ participantId: turn.participantId, uploadKey }], COMPLETE_BUDGET),
      () => new CeremonyError('NO_CONTRIBUTION_IN_PROGRESS', 'your turn is over'),
    );
    this.invalidate();
    if (result.outcome === 'accepted') await this.untilHeadReaches(result.sequence);
    return result;
  }

  /**
   * The turn answers before its parent has recorded the new head; wait (briefly) until the ceremony
   * shows it, so a contributor that reads /transcript or /ceremony/status next sees its contribution.
   */
  private async untilHeadReaches(sequence: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const snapshot = await this.snapshot(0).catch(() => undefined);
      if ((snapshot?.head?.sequence ?? 0) >= sequence) return;
      this.invalidate();
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async abort(caller: Caller): Promise<{ outcome: string }> {
    const turn = await this.currentTurn(caller);
    const result = await viaTemporal(
      () => executeBoundedUpdate(this.client, this.client.workflow.getHandle(turn.turnWorkflowId), abortUpdate, [{ participantId: turn.participantId }]),
      () => new CeremonyError('NO_CONTRIBUTION_IN_PROGRESS', 'your turn is over'),
    );
    this.invalidate();
    return result;
  }

  /** Admin phases: close the lobby, announce the beacon, finalise with its value (the ceremony's updates). */
  async closeLobby(reason: string): Promise<CeremonyPhaseView> {
    const view = await viaTemporal(() => executeBoundedUpdate(this.client, this.ceremony(), closeLobbyUpdate, [{ reason }]), this.noCeremony);
    this.invalidate();
    return view;
  }

  async announceBeacon(source: string, iterations: number): Promise<CeremonyPhaseView> {
    const view = await viaTemporal(() => executeBoundedUpdate(this.client, this.ceremony(), announceBeaconUpdate, [{ source, iterations }]), this.noCeremony);
    this.invalidate();
    return view;
  }

  /** Computing and verifying the beacon contribution takes as long as a contribution: the complete budget. */
  async finalise(beaconValueHex: string): Promise<CeremonyPhaseView> {
    const view = await viaTemporal(() => executeBoundedUpdate(this.client, this.ceremony(), finaliseUpdate, [{ beaconValueHex }], COMPLETE_BUDGET), this.noCeremony);
    this.invalidate();
    return view;
  }

  /** Admin: ban or unban an identity; a banned participant leaves the queue and loses a running turn. */
  async setBanned(identity: string, banned: boolean, reason: string): Promise<void> {
    const { participantId, workflowId } = this.participantHandle(identity);
    await viaTemporal(
      () =>
        this.client.workflow.signalWithStart(participantWorkflow, {
          workflowId,
          taskQueue: this.settings.workflowTaskQueue,
          args: [{ settings: this.settings, participantId, ceremonyWorkflowId: this.ceremonyWorkflowId }],
          signal: banSignal,
          signalArgs: [{ banned, reason }],
        }),
      this.noCeremony,
    );
    if (banned) await viaTemporal(() => this.ceremony().signal(leaveQueueSignal, { participantId, reason: 'banned' }), this.noCeremony);
    this.invalidate();
  }

  /**
   * Admin: drop a participant from the queue or from its running turn, without a ban. UNKNOWN_IDENTITY
   * for an identity the coordinator has no record of, NOT_IN_QUEUE for one neither waiting nor contributing.
   */
  async drop(identity: string): Promise<void> {
    const view = await this.participantForAdmin(identity);
    if (!DROPPABLE.has(view.status)) {
      throw new CeremonyError('NOT_IN_QUEUE', `${identity} is neither waiting nor contributing (status ${view.status}); there is nothing to drop`);
    }
    const { participantId } = view;
    await viaTemporal(() => this.ceremony().signal(leaveQueueSignal, { participantId, reason: 'dropped' }), this.noCeremony);
    this.invalidate();
  }
}
