// The sequential ceremony as the API sees it: each participant call becomes an update, signal or
// query on the workflow that owns the state. Stateless: any replica answers any request the same way
// (the only memory is a cache, at most 250 ms old, of two reads of the ceremony: its small snapshot,
// for the status page, and its lineup, from which every check-in's place and the token's mark come).
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { CeremonyError } from '../../common/errors.js';
import type { Config } from '../../common/config.js';
import {
  abortUpdate,
  announceBeaconUpdate,
  closeLobbyUpdate,
  pauseUpdate,
  resumeUpdate,
  finaliseUpdate,
  banSignal,
  checkinUpdate,
  completeUpdate,
  enterUpdate,
  joinBatchUpdate,
  leaveQueueSignal,
  lineupQuery,
  leaveUpdate,
  completeRefusal,
  participantQuery,
  queueQuery,
  snapshotQuery,
  startUpdate,
  turnStateQuery,
  whereaboutsQuery,
  type CompleteResult,
  type JoinRequest,
  type JoinResult,
  type StartResult,
} from '../../workflows/sequential/messages.js';
import { CEREMONY_ID, CEREMONY_MODE, indexedStart, PARTICIPANT_IDENTITY } from '../../common/search-attributes.js';
import { ceremonyWorkflowId, MAX_JOIN_BATCH, participantWorkflow, sequentialCeremonyWorkflow, turnWorkflowIdFor } from '../../workflows/sequential/index.js';
import { whereaboutsIn, type Lineup, type Whereabouts } from '../../workflows/sequential/ceremony-state.js';
import type { Place } from '../../workflows/sequential/checkin-schedule.js';
import { checkinAnswer, checkinIsEarly } from '../../workflows/sequential/participant-state.js';
import type { CeremonyPhaseView, CheckinResponse, ParticipantStatus, ParticipantView, QueueSnapshot, SequentialSettings } from '../../workflows/sequential/types.js';
import { viaTemporal } from '../temporal-errors.js';
import { DEFAULT_UPDATE_BUDGET, executeBoundedUpdate } from '../bounded-update.js';
import { Batcher } from './batcher.js';
import { participantIdOf, participantSettings, participantWorkflowId, sequentialSettings } from './settings.js';

const SNAPSHOT_MAX_AGE_MS = 250;

/** A lineup with its queue indexed by participant id (built once per read, for every check-in it answers). */
export interface IndexedLineup {
  lineup: Lineup;
  indexOf: (participantId: string) => number;
}
function indexed(lineup: Lineup): IndexedLineup {
  const index = new Map(lineup.queue.map((id, i) => [id, i]));
  return { lineup, indexOf: (participantId) => index.get(participantId) ?? -1 };
}
/** contribution/complete waits for verification: attempts as usual, but up to just under the client's 300 s. */
const COMPLETE_BUDGET = { ...DEFAULT_UPDATE_BUDGET, totalMs: 280_000 };
/** Most joins one update from this replica carries: half of what the ceremony takes, to leave room. */
const JOIN_BATCH_MAX = MAX_JOIN_BATCH / 2;
/** How long contribution/start waits for a turn workflow that has been called but not yet started. */
const TURN_START_WAIT_MS = 2_000;

/** The statuses of a participant an admin can drop: in the queue, or holding the turn. */
const DROPPABLE: ReadonlySet<ParticipantStatus> = new Set(['waiting', 'queued', 'ready']);

export interface Caller {
  identity: string;
}

export class SequentialGateway {
  readonly settings: SequentialSettings;
  private cached: { at: number; snapshot: Promise<QueueSnapshot> } | undefined;
  /** The lineup every waiter's place and the queue's mark are read from; kept across this replica's joins. */
  private lined: { at: number; lineup: Promise<IndexedLineup> } | undefined;
  /** Concurrent enters join the queue together: one update on the ceremony per batch. */
  private readonly joins: Batcher<JoinRequest, JoinResult>;

  constructor(
    private readonly client: Client,
    cfg: Config,
  ) {
    this.settings = sequentialSettings(cfg);
    this.joins = new Batcher((requests) => viaTemporal(() => executeBoundedUpdate(this.client, this.ceremony(), joinBatchUpdate, [requests]), this.noCeremony), 0, JOIN_BATCH_MAX);
  }

  get ceremonyWorkflowId(): string {
    return ceremonyWorkflowId(this.settings.ceremonyId);
  }

  private opened: Promise<number> | undefined;

  /** When the ceremony workflow's run this replica first saw started; read once. */
  openedAt(): Promise<number> {
    this.opened ??= this.client.workflow
      .getHandle(this.ceremonyWorkflowId)
      .describe()
      .then((d) => d.startTime.getTime());
    this.opened.catch(() => (this.opened = undefined));
    return this.opened;
  }

  private ceremony() {
    return this.client.workflow.getHandle(this.ceremonyWorkflowId);
  }

  private participantHandle(identity: string) {
    const participantId = participantIdOf(identity);
    return { participantId, workflowId: participantWorkflowId(this.settings.ceremonyId, participantId) };
  }

  /** A participant workflow's attributes and memo: its ceremony and its identity. */
  private participantIndex(identity: string): ReturnType<typeof indexedStart> {
    return indexedStart(
      this.settings.searchAttributes,
      [
        { key: CEREMONY_ID, value: this.settings.ceremonyId },
        { key: PARTICIPANT_IDENTITY, value: identity },
      ],
      `Participant ${identity}`,
    );
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
          ...indexedStart(
            this.settings.searchAttributes,
            [
              { key: CEREMONY_ID, value: this.settings.ceremonyId },
              { key: CEREMONY_MODE, value: 'sequential' },
            ],
            `Sequential ceremony ${this.settings.ceremonyId}: ${this.settings.sizes.map((s) => `${s.numG1Powers}×${s.numG2Powers}`).join(', ')}`,
          ),
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      this.noCeremony,
    );
  }

  /** After a call that changes the queue or ends a turn: the next status read and place ask the ceremony again. */
  private invalidate(): void {
    this.cached = undefined;
    this.lined = undefined;
  }

  /**
   * The queue in order and what every place derives from (one lineup query per replica every
   * SNAPSHOT_MAX_AGE_MS, whoever asks; dropped at once after this replica's own leaves, turn changes
   * and phase changes; a join changes no one's place, so joins keep it). Undefined when it cannot be
   * read (Temporal down, or a workflow worker from before the query, during a rollout): places are then
   * asked for one by one and no token is given.
   */
  async readLineup(): Promise<IndexedLineup | undefined> {
    const now = Date.now();
    if (this.lined === undefined || now - this.lined.at > SNAPSHOT_MAX_AGE_MS) {
      const lineup = viaTemporal(() => this.ceremony().query(lineupQuery), this.noCeremony).then(indexed);
      const entry = { at: now, lineup };
      this.lined = entry;
      lineup.catch(() => {
        if (this.lined === entry) this.lined = undefined;
      });
    }
    return this.lined.lineup.catch(() => undefined);
  }

  async snapshot(maxAgeMs = SNAPSHOT_MAX_AGE_MS): Promise<QueueSnapshot> {
    const now = Date.now();
    if (this.cached !== undefined && now - this.cached.at <= maxAgeMs) return this.cached.snapshot;
    const snapshot = viaTemporal(() => this.ceremony().query(snapshotQuery), this.noCeremony);
    const entry = { at: now, snapshot };
    this.cached = entry;
    snapshot.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return snapshot;
  }

  /** Admin: the waiting participants' ids, in order. */
  async queue(): Promise<string[]> {
    return viaTemporal(() => this.ceremony().query(queueQuery), this.noCeremony);
  }

  /** Where the ceremony places a participant now (a query: nothing is written). */
  private whereabouts(participantId: string): Promise<Whereabouts> {
    return viaTemporal(() => this.ceremony().query(whereaboutsQuery, participantId), this.noCeremony);
  }

  /**
   * The place a check-in is answered with, from the lineup the caller read (readLineup); one who is not
   * in it (joined since it was read, or gone), or any without a lineup, is asked about (whereabouts),
   * and answered the back of the queue when the ceremony has no place for it.
   */
  private async placeOf(participantId: string, lined: IndexedLineup | undefined): Promise<Place> {
    let where = lined === undefined ? undefined : whereaboutsIn(lined.lineup, participantId, lined.indexOf);
    if (where === undefined || where.kind === 'absent') where = await this.whereabouts(participantId);
    if (where.kind === 'queue') return where.place;
    const s = await this.snapshot();
    // Holding the turn: the next check-in (due at the head's interval) tells it so.
    if (where.kind === 'turn') return { position: 1, waitersAhead: 0, averageRoundTripMs: s.averageRoundTripMs };
    return { position: s.queueLength + 1, waitersAhead: s.queueLength + (s.current === null ? 0 : 1), averageRoundTripMs: s.averageRoundTripMs };
  }

  /**
   * lobby/enter: the participant's workflow checks the identity may join (ban, penalty, contributions),
   * the ceremony queues it, and its first check-in sets its deadline in its own workflow.
   */
  async enter(caller: Caller, lined?: IndexedLineup): Promise<CheckinResponse & { participantId: string }> {
    const { participantId, workflowId } = this.participantHandle(caller.identity);
    const entered = await viaTemporal(
      () =>
        this.client.workflow.executeUpdateWithStart(enterUpdate, {
          args: [{ identity: caller.identity, now: Date.now() }],
          startWorkflowOperation: new WithStartWorkflowOperation(participantWorkflow, {
            workflowId,
            taskQueue: this.settings.workflowTaskQueue,
            args: [{ settings: participantSettings(this.settings), participantId, ceremonyWorkflowId: this.ceremonyWorkflowId }],
            ...this.participantIndex(caller.identity),
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        }),
      this.noCeremony,
    );
    // Called already (an enter again, e.g. a client run again to resume): its turn is open or just
    // ending; joining now could queue it a second time. Its check-in answers.
    if (entered.status === 'ready') return { ...(await this.checkin(caller, lined)), participantId };
    const joined = await this.joins.submit({ participantId, identity: caller.identity });
    if (joined.refused !== undefined) throw new CeremonyError(joined.refused.code, joined.refused.message);
    this.cached = undefined; // the status shows the new queue length; the lineup stays (a join moves no one)
    const place = joined.whereabouts.kind === 'queue' ? joined.whereabouts.place : await this.placeOf(participantId, lined);
    const response = await viaTemporal(() => executeBoundedUpdate(this.client, this.client.workflow.getHandle(workflowId), checkinUpdate, [{ place, first: true }]), this.notInQueue);
    return { ...response, participantId };
  }

  /**
   * A check-in. One that changes nothing (early: its deadline is more than half an interval away) is
   * answered from the participant's query and its place in the lineup, with the same deadline, and
   * writes nothing. Every other
   * goes to the participant's workflow, which owns the deadline, and answers with the exact errors.
   */
  async checkin(caller: Caller, lined?: IndexedLineup): Promise<CheckinResponse> {
    const { participantId, workflowId } = this.participantHandle(caller.identity);
    const [view, place] = await Promise.all([this.participant(caller.identity), this.placeOf(participantId, lined)]);
    const now = Date.now();
    if (checkinIsEarly(view, now)) return checkinAnswer(view, place, this.settings.timing, now);
    return viaTemporal(() => executeBoundedUpdate(this.client, this.client.workflow.getHandle(workflowId), checkinUpdate, [{ place, first: false }]), this.notInQueue);
  }

  async leave(caller: Caller): Promise<ParticipantView> {
    const { workflowId } = this.participantHandle(caller.identity);
    const view = await viaTemporal(() => this.client.workflow.getHandle(workflowId).executeUpdate(leaveUpdate), this.notInQueue);
    this.invalidate();
    return view;
  }

  /** The participant's record, as its workflow holds it. */
  async participant(identity: string): Promise<ParticipantView> {
    const { workflowId } = this.participantHandle(identity);
    return viaTemporal(() => this.client.workflow.getHandle(workflowId).query(participantQuery), this.notInQueue);
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
    return this.startTurn(await this.currentTurn(caller), caller.identity);
  }

  /**
   * The ceremony starts a turn and calls its participant in one workflow task, so a `ready` answer can
   * (rarely) reach the caller a moment before the turn workflow exists: wait briefly for it.
   */
  private async startTurn(turn: { participantId: string; turnWorkflowId: string }, identity: string): Promise<StartResult> {
    const giveUp = Date.now() + TURN_START_WAIT_MS;
    const notFound = new CeremonyError('NOT_YOUR_TURN', 'your turn is over');
    for (;;) {
      try {
        return await viaTemporal(
          () => executeBoundedUpdate(this.client, this.client.workflow.getHandle(turn.turnWorkflowId), startUpdate, [{ participantId: turn.participantId }]),
          () => notFound,
        );
      } catch (err) {
        if (err !== notFound) throw err;
        if (Date.now() >= giveUp) {
          // Still called for this turn: its workflow is slow to start (a loaded coordinator); asking again is safe.
          const view = await this.participant(identity).catch(() => undefined);
          if (view?.turnId !== undefined && turnWorkflowIdFor(this.settings.ceremonyId, view.turnId) === turn.turnWorkflowId) {
            throw new CeremonyError('TEMPORAL_UNAVAILABLE', 'your turn is being set up; retry in a moment');
          }
          throw err;
        }
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

  /** Admin phases: pause, resume, close the lobby, announce the beacon, finalise with its value (the ceremony's updates). */
  async closeLobby(reason: string): Promise<CeremonyPhaseView> {
    return this.changePhase(closeLobbyUpdate, reason);
  }

  async pause(reason: string): Promise<CeremonyPhaseView> {
    return this.changePhase(pauseUpdate, reason);
  }

  async resume(reason: string): Promise<CeremonyPhaseView> {
    return this.changePhase(resumeUpdate, reason);
  }

  private async changePhase(update: typeof closeLobbyUpdate, reason: string): Promise<CeremonyPhaseView> {
    const view = await viaTemporal(() => executeBoundedUpdate(this.client, this.ceremony(), update, [{ reason }]), this.noCeremony);
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
          args: [{ settings: participantSettings(this.settings), participantId, ceremonyWorkflowId: this.ceremonyWorkflowId }],
          ...this.participantIndex(identity),
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
  async drop(identity: string, reason = ''): Promise<void> {
    const view = await this.participantForAdmin(identity);
    if (!DROPPABLE.has(view.status)) {
      throw new CeremonyError('NOT_IN_QUEUE', `${identity} is neither waiting nor contributing (status ${view.status}); there is nothing to drop`);
    }
    const { participantId } = view;
    await viaTemporal(() => this.ceremony().signal(leaveQueueSignal, { participantId, reason: 'dropped', ...(reason === '' ? {} : { detail: reason }) }), this.noCeremony);
    this.invalidate();
  }
}
