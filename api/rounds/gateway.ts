// Rounds mode as the API sees it: participant calls become updates, signals and queries on the
// ceremony workflow (queue, bans, restarts) or the running round workflow (tasks, verification).
// Polls and heartbeats are queries first: an update only claims work the query showed to be there,
// and a heartbeat signal goes only when the round's liveness of the member asks for it (see
// workflows/rounds/messages.ts). Nothing here remembers a member between calls: any replica answers
// the same.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Config } from '../../common/config.js';
import { CEREMONY_ID, CEREMONY_MODE, indexedStart } from '../../common/search-attributes.js';
import { CeremonyError } from '../../common/errors.js';
import type { RoundsAdmission, RoundsCeremonyStatus } from '../../workflows/rounds/ceremony-types.js';
import type { RoundsCeremonyState } from '../../workflows/rounds/ceremony.js';
import { roundsCeremonyWorkflow, roundsCeremonyWorkflowId } from '../../workflows/rounds/index.js';
import {
  adminRestartSignal,
  banMemberSignal,
  ceremonyStatusQuery,
  closeRoundQueueUpdate,
  heartbeatSignal,
  instructionsQuery,
  joinRoundQueueUpdate,
  leaveRoundQueueUpdate,
  livenessQuery,
  pauseRoundsUpdate,
  resumeRoundsUpdate,
  roundDropSignal,
  roundStatusQuery,
  submitChunkUpdate,
  submitVerificationUpdate,
  takeTaskUpdate,
  takeVerificationUpdate,
  taskOfferQuery,
  verificationOfferQuery,
} from '../../workflows/rounds/messages.js';
import { heartbeatNeeded, type Newcomer } from '../../workflows/rounds/round-state.js';
import type { Member, RoundStatus, RoundsSettings, TaskAnswer, VerificationTask } from '../../workflows/rounds/types.js';
import { participantIdOf } from '../sequential/settings.js';
import { viaTemporal } from '../temporal-errors.js';
import { executeBoundedUpdate } from '../bounded-update.js';
import { roundsSettings } from './settings.js';
import { SharedCalls } from './shared-calls.js';

const STATUS_MAX_AGE_MS = 250;
/** Most round-status answers kept by workflow id (a round that ended is replaced by the next). */
const ROUND_VIEWS_MAX = 8;

export function memberOf(identity: string): Member {
  return { id: participantIdOf(identity), identity };
}

export class RoundsGateway {
  readonly settings: RoundsSettings;
  private cached: { at: number; status: Promise<RoundsCeremonyStatus> } | undefined;
  private readonly roundViews = new Map<string, { at: number; status: Promise<RoundStatus> }>();
  /** Heartbeat signals in flight, by round and member (see keepAlive). */
  private readonly beats = new SharedCalls<void>();

  constructor(
    private readonly client: Client,
    cfg: Config,
  ) {
    this.settings = roundsSettings(cfg);
  }

  get ceremonyWorkflowId(): string {
    return roundsCeremonyWorkflowId(this.settings.ceremonyId);
  }

  private ceremony() {
    return this.client.workflow.getHandle(this.ceremonyWorkflowId);
  }

  /** Every update on the ceremony or a round waits within a bound (api/bounded-update.ts). */
  private update<Ret, Args extends [unknown, ...unknown[]]>(handle: WorkflowHandle, def: UpdateDefinition<Ret, Args>, args: Args): Promise<Ret> {
    return executeBoundedUpdate(this.client, handle, def, args);
  }

  private noCeremony = (): CeremonyError => new CeremonyError('NOT_READY', 'the ceremony is not running');
  private noRound = (): CeremonyError => new CeremonyError('NO_ROUND_RUNNING', 'no round is running');

  /** The ceremony workflow's attributes and memo. */
  private ceremonyIndex(): ReturnType<typeof indexedStart> {
    const s = this.settings;
    return indexedStart(
      s.searchAttributes,
      [
        { key: CEREMONY_ID, value: s.ceremonyId },
        { key: CEREMONY_MODE, value: 'rounds' },
      ],
      `Rounds ceremony ${s.ceremonyId}: ${s.numG1Powers}×${s.numG2Powers} powers in ${s.chunkCount} chunks, up to ${s.contributorsPerRound} contributors a round`,
    );
  }

  async ensureCeremony(): Promise<void> {
    await viaTemporal(
      () =>
        this.client.workflow.start(roundsCeremonyWorkflow, {
          workflowId: this.ceremonyWorkflowId,
          taskQueue: this.settings.workflowTaskQueue,
          args: [{ settings: this.settings }],
          ...this.ceremonyIndex(),
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      this.noCeremony,
    );
  }

  /** Starts a ceremony from a backup's state (REQ-15, REQ-17), under the configured ceremony id. */
  async restoreFromBackup(state: RoundsCeremonyState): Promise<void> {
    // The backup replaces whatever runs under this ceremony's id (its history stays in Temporal).
    await this.ceremony()
      .terminate('replaced by a restore from backup')
      .catch(() => undefined);
    this.cached = undefined;
    await viaTemporal(
      () =>
        this.client.workflow.start(roundsCeremonyWorkflow, {
          workflowId: this.ceremonyWorkflowId,
          taskQueue: this.settings.workflowTaskQueue,
          args: [{ settings: this.settings, state }],
          ...this.ceremonyIndex(),
          workflowIdConflictPolicy: 'TERMINATE_EXISTING',
        }),
      this.noCeremony,
    );
  }

  async status(maxAgeMs = STATUS_MAX_AGE_MS): Promise<RoundsCeremonyStatus> {
    const now = Date.now();
    if (this.cached !== undefined && now - this.cached.at <= maxAgeMs) return this.cached.status;
    const status = viaTemporal(() => this.ceremony().query(ceremonyStatusQuery), this.noCeremony);
    this.cached = { at: now, status };
    status.catch(() => {
      if (this.cached?.status === status) this.cached = undefined;
    });
    return status;
  }

  /** The running round, from the cached ceremony status unless `fresh`; a cache that shows none is asked again. */
  private async round(fresh = false) {
    let status = await this.status(fresh ? 0 : STATUS_MAX_AGE_MS);
    if (status.current === null && !fresh) status = await this.status(0);
    if (status.current === null) throw new CeremonyError('NO_ROUND_RUNNING', 'no round is running; wait in the queue');
    return { handle: this.client.workflow.getHandle(status.current.workflowId), current: status.current };
  }

  async roundStatus(): Promise<RoundStatus | null> {
    const status = await this.status();
    if (status.current === null) return null;
    return this.roundView(status.current.workflowId);
  }

  /** A round's status query, shared by the calls of the last STATUS_MAX_AGE_MS (maxAgeMs 0: a fresh one). */
  private roundView(workflowId: string, maxAgeMs = STATUS_MAX_AGE_MS): Promise<RoundStatus> {
    const now = Date.now();
    const cached = this.roundViews.get(workflowId);
    if (cached !== undefined && now - cached.at <= maxAgeMs) return cached.status;
    const status = viaTemporal(() => this.client.workflow.getHandle(workflowId).query(roundStatusQuery), this.noRound);
    if (this.roundViews.size >= ROUND_VIEWS_MAX) this.roundViews.clear();
    this.roundViews.set(workflowId, { at: now, status });
    status.catch(() => {
      if (this.roundViews.get(workflowId)?.status === status) this.roundViews.delete(workflowId);
    });
    return status;
  }

  /** The role a configured verifier or replacement registers with on its first heartbeat (the round may not know it yet). */
  private newcomer(identity: string): Newcomer | undefined {
    const member = memberOf(identity);
    if (this.settings.verifierIdentities.includes(identity)) return { member, role: 'verifier' };
    if (this.settings.replacementIdentities.includes(identity)) return { member, role: 'replacement' };
    return undefined;
  }

  /**
   * Makes sure the round hears from the member often enough, writing to its history only when its
   * liveness (`lastSeen`, just read by a query) asks for it: heartbeatNeeded, about twice per
   * heartbeat timeout. Polls and heartbeats both count as signs of life.
   */
  private async keepAlive(handle: WorkflowHandle, identity: string, lastSeen: number | undefined): Promise<void> {
    const newcomer = this.newcomer(identity);
    if (!heartbeatNeeded(lastSeen, Date.now(), this.settings.heartbeatTimeoutMs, newcomer !== undefined)) return;
    const beat = { memberId: memberOf(identity).id, at: Date.now(), ...(lastSeen === undefined && newcomer !== undefined ? { newcomer } : {}) };
    // Concurrent calls of one member that all read the same stale liveness send one signal between them.
    await this.beats.run(`${handle.workflowId}\n${beat.memberId}`, () => viaTemporal(() => handle.signal(heartbeatSignal, beat), this.noRound));
  }

  /**
   * The running round in which the identity has (or had: dropped) a contributor's slot: from the cached
   * views, else from fresh ones (the round may have just changed); undefined when even those say no.
   */
  private async roundWithSlot(identity: string): Promise<Awaited<ReturnType<RoundsGateway['round']>> | undefined> {
    const { id } = memberOf(identity);
    const hasSlot = async (workflowId: string, maxAgeMs: number) => (await this.roundView(workflowId, maxAgeMs)).slots.some((slot) => slot.memberId === id);
    const cached = await this.round();
    if (await hasSlot(cached.current.workflowId, STATUS_MAX_AGE_MS)) return cached;
    const fresh = await this.round(true);
    return (await hasSlot(fresh.current.workflowId, 0)) ? fresh : undefined;
  }

  async join(identity: string): Promise<{ position: number; round: number }> {
    const { id } = memberOf(identity);
    if (this.settings.verifierIdentities.some((verifier) => memberOf(verifier).id === id)) {
      throw new CeremonyError('ROLE_CONFLICT', `${identity} is a verifier of this ceremony; a verifier does not contribute, so that no one verifies their own work`);
    }
    const result = await viaTemporal(() => this.update(this.ceremony(), joinRoundQueueUpdate, [{ member: memberOf(identity) }]), this.noCeremony);
    this.cached = undefined;
    return result;
  }

  /** Admin phases: pause, resume, close the round queue (the ceremony's updates; PHASE_CONFLICT when it does not apply). */
  async pause(reason: string): Promise<RoundsAdmission> {
    return this.changePhase(pauseRoundsUpdate, reason);
  }

  async resume(reason: string): Promise<RoundsAdmission> {
    return this.changePhase(resumeRoundsUpdate, reason);
  }

  async close(reason: string): Promise<RoundsAdmission> {
    return this.changePhase(closeRoundQueueUpdate, reason);
  }

  private async changePhase(update: typeof pauseRoundsUpdate, reason: string): Promise<RoundsAdmission> {
    const admission = await viaTemporal(() => this.update(this.ceremony(), update, [{ reason }]), this.noCeremony);
    this.cached = undefined;
    return admission;
  }

  /** Leaves the round queue; someone not in it (by a fresh status) is answered without an update. */
  async leave(identity: string): Promise<{ left: boolean }> {
    const { id } = memberOf(identity);
    if (!(await this.status(0)).queue.some((m) => m.id === id)) return { left: false };
    const result = await viaTemporal(() => this.update(this.ceremony(), leaveRoundQueueUpdate, [{ memberId: memberOf(identity).id }]), this.noCeremony);
    this.cached = undefined;
    return result;
  }

  async takeTask(identity: string): Promise<TaskAnswer> {
    const replacement = this.settings.replacementIdentities.includes(identity);
    let round;
    try {
      // Only the round's contributors and the configured replacements reach the round's update; anyone
      // else is answered from the statuses, without a word in the round's history.
      round = replacement ? await this.round() : await this.roundWithSlot(identity);
    } catch (err) {
      if (err instanceof CeremonyError && err.code === 'NO_ROUND_RUNNING') return this.outsideRound(identity, 'no round is running');
      throw err;
    }
    if (round === undefined) return this.outsideRound(identity, 'you are not in the running round');
    const { handle } = round;
    const member = memberOf(identity);
    let answer: TaskAnswer;
    try {
      // A query says whether there is a chunk to take; only then does an update (the claim) reach the round.
      const view = await viaTemporal(() => handle.query(taskOfferQuery, { memberId: member.id, replacement }), this.noRound);
      await this.keepAlive(handle, identity, view.lastSeen);
      answer = view.offer.kind === 'answer' ? view.offer.answer : await viaTemporal(() => this.update(handle, takeTaskUpdate, [{ member, replacement }]), this.noRound);
    } catch (err) {
      // The round ended between the status read and the query or update: the next one is being set up.
      if (err instanceof CeremonyError && err.code === 'NO_ROUND_RUNNING') return { action: 'wait', retryAfterMs: 500, reason: 'the next round is starting' };
      throw err;
    }
    return answer.action === 'not-in-round' ? this.outsideRound(identity, 'you are not in the running round') : answer;
  }

  /** The answer for someone the running round does not know: queued, finished, or a stranger. */
  private async outsideRound(identity: string, reason: string): Promise<TaskAnswer> {
    const status = await this.status(0);
    if (status.queue.some((m) => m.identity === identity)) return { action: 'wait', retryAfterMs: 1_000, reason: 'waiting in the round queue' };
    const finished = [...status.history].reverse().find((h) => h.contributors.some((m) => m.identity === identity));
    if (finished !== undefined) return { action: 'done', round: finished.round };
    if (this.settings.replacementIdentities.includes(identity) || status.current !== null) return { action: 'wait', retryAfterMs: 1_000, reason };
    return { action: 'not-in-round' };
  }

  async instructions(identity: string) {
    const status = await this.status();
    const position = status.queue.findIndex((m) => m.identity === identity);
    if (status.current === null) return { round: null, queuePosition: position < 0 ? null : position + 1, tasks: [], status: position < 0 ? 'not-in-queue' : 'queued' };
    const current = status.current;
    const view = await viaTemporal(() => this.client.workflow.getHandle(current.workflowId).query(instructionsQuery, memberOf(identity).id), this.noRound);
    return { ...view, queuePosition: position < 0 ? null : position + 1 };
  }

  /**
   * A heartbeat from someone who takes part in the running round (an active contributor, or a
   * configured verifier or replacement); anyone else is refused without a signal. It reaches the
   * round's history only when keepAlive says the round needs to hear it.
   */
  async heartbeat(identity: string): Promise<void> {
    const { id } = memberOf(identity);
    const configured = this.newcomer(identity) !== undefined;
    const lastSeenIn = async (handle: WorkflowHandle) => (await viaTemporal(() => handle.query(livenessQuery, { memberId: id }), this.noRound)).lastSeen;
    let { handle } = await this.round();
    let lastSeen = await lastSeenIn(handle);
    if (lastSeen === undefined && !configured) {
      // Only a fresh view of the ceremony may refuse: the round may have just changed.
      ({ handle } = await this.round(true));
      lastSeen = await lastSeenIn(handle);
      if (lastSeen === undefined) throw new CeremonyError('NOT_IN_ROUND', 'you are not a contributor, verifier or replacement of the running round');
    }
    await this.keepAlive(handle, identity, lastSeen);
  }

  /**
   * Refuses an upload before a byte of it is read unless the caller is a contributor of the running
   * round holding `chunk` (the same rule as the round's submitChunk), from fresh queries.
   */
  async checkUploadAllowed(identity: string, chunk: number): Promise<void> {
    const { handle } = await this.round(true);
    const view = await viaTemporal(() => handle.query(instructionsQuery, memberOf(identity).id), this.noRound);
    if (view.tasks.length === 0) throw new CeremonyError('NOT_IN_ROUND', `you are not a contributor of the running round (${view.status})`);
    const task = view.tasks.find((t) => t.chunk === chunk);
    if (task?.state !== 'in-progress') throw new CeremonyError('NOT_YOUR_TURN', `chunk ${chunk} is not the task you hold; ask POST /rounds/tasks/next`);
  }

  async submitChunk(identity: string, chunk: number, uploadKey: string, baseStateKey: string) {
    const { handle } = await this.round();
    return viaTemporal(() => this.update(handle, submitChunkUpdate, [{ memberId: memberOf(identity).id, chunk, uploadKey, baseStateKey }]), this.noRound);
  }

  async takeVerification(identity: string): Promise<VerificationTask> {
    let round;
    try {
      round = await this.round();
    } catch (err) {
      if (err instanceof CeremonyError && err.code === 'NO_ROUND_RUNNING') return { action: 'wait', retryAfterMs: 1_000 };
      throw err;
    }
    const { handle } = round;
    const member = memberOf(identity);
    try {
      // As for tasks: a query, and the claim only when a contribution waits for a verifier.
      const view = await viaTemporal(() => handle.query(verificationOfferQuery, { memberId: member.id }), this.noRound);
      await this.keepAlive(handle, identity, view.lastSeen);
      if (view.offer.kind === 'answer') return view.offer.answer;
      return await viaTemporal(() => this.update(handle, takeVerificationUpdate, [{ member }]), this.noRound);
    } catch (err) {
      if (err instanceof CeremonyError && err.code === 'NO_ROUND_RUNNING') return { action: 'wait', retryAfterMs: 500 };
      throw err;
    }
  }

  async submitVerification(identity: string, verdict: { contributionId: string; valid: boolean; code?: string; message?: string; pubkey?: string; verificationKey: string }) {
    const { handle } = await this.round();
    return viaTemporal(() => this.update(handle, submitVerificationUpdate, [{ verifierId: memberOf(identity).id, ...verdict }]), this.noRound);
  }

  async adminRestart(reason: string): Promise<void> {
    await this.round();
    await viaTemporal(() => this.ceremony().signal(adminRestartSignal, { reason }), this.noCeremony);
    this.cached = undefined;
  }

  async setBanned(identity: string, banned: boolean, reason: string): Promise<void> {
    const member = memberOf(identity);
    await viaTemporal(() => this.ceremony().signal(banMemberSignal, { memberId: member.id, identity, banned, reason }), this.noCeremony);
    this.cached = undefined;
  }

  /** Admin: drops a contributor or verifier of the running round (NOT_IN_ROUND for anyone else). */
  async drop(identity: string): Promise<void> {
    const { handle, current } = await this.round();
    const view = await this.roundView(current.workflowId, 0);
    const member = view.slots.some((s) => s.identity === identity && s.status !== 'dropped') || view.verifiers.some((v) => v.identity === identity && v.status !== 'dropped');
    if (!member) throw new CeremonyError('NOT_IN_ROUND', `${identity} is not an active contributor or verifier of round ${view.round}`);
    await viaTemporal(() => handle.signal(roundDropSignal, { memberId: memberOf(identity).id, reason: 'admin' }), this.noRound);
    this.cached = undefined;
  }
}
