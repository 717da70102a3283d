// The ceremony actor of rounds mode: the round queue (REQ-19), bans (REQ-26), initial challenges
// (REQ-27), one round at a time as a child workflow (REQ-28), restarts (REQ-38, REQ-39), backups
// after every round (REQ-17), status (REQ-36).
import { allHandlersFinished, condition, continueAsNew, executeChild, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { rejection } from '../rejection.js';
import { CEREMONY_ID, indexedStart, ROUND, ROUND_ATTEMPT } from '../../common/search-attributes.js';
import type { RoundsActivities } from './activities-api.js';
import type { RoundHistoryEntry, RoundsAdmission, RoundsCeremonyStatus } from './ceremony-types.js';
import {
  adminRestartSignal,
  banMemberSignal,
  ceremonyStatusQuery,
  closeRoundQueueUpdate,
  joinRoundQueueUpdate,
  leaveRoundQueueUpdate,
  pauseRoundsUpdate,
  resumeRoundsUpdate,
  roundDropSignal,
  roundRestartSignal,
} from './messages.js';
import { roundWorkflow } from './round.js';
import type { DropEntry, Member, RoundsSettings } from './types.js';
import { describedBy } from '../message-descriptions.js';

export interface RoundsCeremonyState {
  queue: Array<Member & { joinedAt: number }>;
  banned: string[];
  contributed: string[];
  completedRounds: number;
  attempt: number;
  baseStateKeys: string[];
  history: RoundHistoryEntry[];
  /** Drops in cancelled attempts of the running round, kept for its history entry. */
  attemptDrops: DropEntry[];
  restarts: Array<{ round: number; attempt: number; reason: string; at: number }>;
  lastBackupKey: string | undefined;
  /** Who may join (#13 item 6); absent from states carried over from runs before phases existed: open. */
  admission?: RoundsAdmission;
}

export interface RoundsCeremonyInput {
  settings: RoundsSettings;
  state?: RoundsCeremonyState;
}

const MAX_QUEUE = 100_000;
const HISTORY_KEPT = 100;

export function roundsCeremonyWorkflowId(ceremonyId: string): string {
  return `ceremony-${ceremonyId}`;
}

export function roundWorkflowId(ceremonyId: string, round: number, attempt: number): string {
  return `ceremony-${ceremonyId}-round-${round}-attempt-${attempt}`;
}

export async function roundsCeremonyWorkflow(input: RoundsCeremonyInput): Promise<void> {
  const { settings } = input;
  const activities = proxyActivities<RoundsActivities>({
    taskQueue: settings.verificationTaskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: { maximumAttempts: 20, initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const light = proxyActivities<RoundsActivities>({
    taskQueue: settings.workflowTaskQueue,
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 20, initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
  });
  const state: RoundsCeremonyState = input.state ?? {
    queue: [],
    banned: [],
    contributed: [],
    completedRounds: 0,
    attempt: 0,
    baseStateKeys: [],
    history: [],
    attemptDrops: [],
    restarts: [],
    lastBackupKey: undefined,
  };
  let current: { round: number; attempt: number; workflowId: string; contributors: Member[] } | null = null;
  // Phases (#13 item 6). While the ceremony stays open, as in every run before phases existed, nothing
  // below issues a command of its own: the histories of those runs replay unchanged.
  const admission = (): RoundsAdmission => state.admission ?? { phase: 'open' };
  /** Closed and drained: nobody waits, no round runs or restarts, and nobody may join any more. */
  const drained = (): boolean => admission().phase === 'closed' && state.queue.length === 0 && current === null && state.attempt === 0;
  const conflict = (message: string) => rejection('PHASE_CONFLICT', message);
  const phaseRecord = (kind: 'ceremony-paused' | 'ceremony-resumed' | 'lobby-closed', reason: string) =>
    light.writeRoundRecord({
      ceremonyId: settings.ceremonyId,
      kind,
      round: current?.round ?? state.completedRounds + 1,
      attempt: current?.attempt ?? state.attempt,
      detail: { reason, waiting: state.queue.length, roundRunning: current !== null },
    });

  setHandler(
    ceremonyStatusQuery,
    (): RoundsCeremonyStatus => ({
      ceremonyId: settings.ceremonyId,
      phase:
        state.baseStateKeys.length === 0
          ? 'initialising'
          : (settings.maxRounds > 0 && state.completedRounds >= settings.maxRounds) || drained()
            ? 'finished'
            : current === null
              ? 'waiting-for-contributors'
              : 'round-running',
      queue: state.queue.map(({ id, identity }) => ({ id, identity })),
      banned: state.banned,
      completedRounds: state.completedRounds,
      current,
      baseStateKeys: state.baseStateKeys,
      history: state.history,
      restarts: state.restarts,
      lastBackupKey: state.lastBackupKey,
      admission: admission(),
    }),
    describedBy(ceremonyStatusQuery),
  );

  setHandler(
    joinRoundQueueUpdate,
    ({ member }) => {
      const at = state.queue.findIndex((m) => m.id === member.id);
      if (at < 0) state.queue.push({ ...member, joinedAt: Date.now() });
      return { position: at < 0 ? state.queue.length : at + 1, round: state.completedRounds + 1 };
    },
    {
      ...describedBy(joinRoundQueueUpdate),
      validator: ({ member }) => {
        if (state.banned.includes(member.id)) throw rejection('BANNED', 'this identity is banned from the ceremony');
        if (state.contributed.includes(member.id)) throw rejection('ALREADY_CONTRIBUTED', 'this identity has already contributed to a round');
        if (current?.contributors.some((m) => m.id === member.id)) throw rejection('ALREADY_IN_QUEUE', 'you are in the running round; ask for your tasks');
        const { phase, pausedReason } = admission();
        // Someone already waiting asks again (a client run again): its place is kept, whatever the phase.
        if (phase !== 'open' && !state.queue.some((m) => m.id === member.id)) {
          if (phase === 'paused') throw rejection('CEREMONY_PAUSED', `the ceremony is paused (${pausedReason ?? 'no reason given'}); try again later`);
          throw rejection('CEREMONY_CLOSED', 'the ceremony is closed to new participants');
        }
        if (state.queue.length >= MAX_QUEUE) throw rejection('CEREMONY_CLOSED', 'the round queue is full');
      },
    },
  );

  setHandler(
    leaveRoundQueueUpdate,
    ({ memberId }) => {
      const before = state.queue.length;
      state.queue = state.queue.filter((m) => m.id !== memberId);
      return { left: state.queue.length < before };
    },
    describedBy(leaveRoundQueueUpdate),
  );

  setHandler(
    banMemberSignal,
    ({ memberId, banned }) => {
      if (banned) {
        if (!state.banned.includes(memberId)) state.banned.push(memberId);
        state.queue = state.queue.filter((m) => m.id !== memberId);
        if (current !== null)
          getExternalWorkflowHandle(current.workflowId)
            .signal(roundDropSignal, { memberId, reason: 'banned' })
            .catch(() => undefined);
      } else {
        state.banned = state.banned.filter((id) => id !== memberId);
      }
    },
    describedBy(banMemberSignal),
  );

  setHandler(
    adminRestartSignal,
    ({ reason }) => {
      if (current !== null)
        getExternalWorkflowHandle(current.workflowId)
          .signal(roundRestartSignal, { reason })
          .catch(() => undefined);
    },
    describedBy(adminRestartSignal),
  );

  setHandler(
    pauseRoundsUpdate,
    async ({ reason }) => {
      state.admission = { ...admission(), phase: 'paused', pausedAt: Date.now(), pausedReason: reason };
      await phaseRecord('ceremony-paused', reason);
      return admission();
    },
    {
      ...describedBy(pauseRoundsUpdate),
      validator: (_: { reason: string }) => {
        if (admission().phase !== 'open') throw conflict(`only an open ceremony can be paused (it is ${admission().phase})`);
      },
    },
  );
  setHandler(
    resumeRoundsUpdate,
    async ({ reason }) => {
      const { pausedAt: _at, pausedReason: _why, ...rest } = admission();
      state.admission = { ...rest, phase: 'open' };
      await phaseRecord('ceremony-resumed', reason);
      return admission();
    },
    {
      ...describedBy(resumeRoundsUpdate),
      validator: (_: { reason: string }) => {
        if (admission().phase !== 'paused') throw conflict(`only a paused ceremony can be resumed (it is ${admission().phase})`);
      },
    },
  );
  setHandler(
    closeRoundQueueUpdate,
    async ({ reason }) => {
      // Closing a paused ceremony ends the pause: the queue drains.
      const { pausedAt: _at, pausedReason: _why, ...rest } = admission();
      state.admission = { ...rest, phase: 'closed', closedAt: Date.now(), closedReason: reason };
      await phaseRecord('lobby-closed', reason);
      return admission();
    },
    {
      ...describedBy(closeRoundQueueUpdate),
      validator: (_: { reason: string }) => {
        if (admission().phase === 'closed') throw conflict('the ceremony is already closed');
      },
    },
  );

  // REQ-27: the initial challenges.
  if (state.baseStateKeys.length === 0) {
    state.baseStateKeys = await activities.initialChunks({
      ceremonyId: settings.ceremonyId,
      numG1Powers: settings.numG1Powers,
      numG2Powers: settings.numG2Powers,
      chunkCount: settings.chunkCount,
    });
  }

  let carryOver: Member[] = [];
  for (;;) {
    if (settings.maxRounds > 0 && state.completedRounds >= settings.maxRounds) {
      await condition(() => false);
    }
    // Paused: no new round starts (a restarted one is under way and goes on); waiters keep their places.
    if (state.attempt === 0 && carryOver.length === 0 && admission().phase === 'paused') {
      await condition(() => admission().phase !== 'paused' || workflowInfo().continueAsNewSuggested);
      if (admission().phase === 'paused') {
        await condition(allHandlersFinished);
        await continueAsNew<typeof roundsCeremonyWorkflow>({ settings, state });
      }
      continue;
    }
    // REQ-19: a round starts when it is full, or when the oldest waiter has waited roundFillWaitMs.
    // A restarted round carrying contributors over starts at once, filled from the queue; so does the
    // round of a closed ceremony, which nobody else can join.
    for (;;) {
      if (carryOver.length > 0 || state.queue.length >= settings.contributorsPerRound) break;
      if (admission().phase === 'closed' && state.queue.length > 0) break;
      // A pause while the round fills: back to the top, where the round waits for a resume.
      if (state.attempt === 0 && admission().phase === 'paused') break;
      const oldest = state.queue[0];
      if (oldest === undefined) {
        await condition(() => state.queue.length > 0 || workflowInfo().continueAsNewSuggested);
        if (state.queue.length === 0) {
          await condition(allHandlersFinished);
          await continueAsNew<typeof roundsCeremonyWorkflow>({ settings, state });
        }
        continue;
      }
      const remaining = settings.roundFillWaitMs - (Date.now() - oldest.joinedAt);
      if (remaining <= 0) break;
      const before = state.queue.length;
      const phaseBefore = admission().phase;
      await condition(() => state.queue.length !== before || admission().phase !== phaseBefore, remaining);
    }
    if (state.attempt === 0 && carryOver.length === 0 && admission().phase === 'paused') continue;
    const taken = state.queue.splice(0, Math.max(0, settings.contributorsPerRound - carryOver.length)).map(({ id, identity }) => ({ id, identity }));
    const contributors = [...carryOver, ...taken];
    carryOver = [];
    if (contributors.length === 0) continue;
    const round = state.completedRounds + 1;
    const workflowId = roundWorkflowId(settings.ceremonyId, round, state.attempt);
    current = { round, attempt: state.attempt, workflowId, contributors };
    const result = await executeChild(roundWorkflow, {
      workflowId,
      taskQueue: settings.workflowTaskQueue,
      args: [{ settings, round, attempt: state.attempt, contributors, baseStateKeys: state.baseStateKeys, previousAggregatedKey: state.history[state.history.length - 1]?.aggregatedKey }],
      ...indexedStart(
        settings.searchAttributes,
        [
          { key: CEREMONY_ID, value: settings.ceremonyId },
          { key: ROUND, value: round },
          { key: ROUND_ATTEMPT, value: state.attempt },
        ],
        `Round ${round}, attempt ${state.attempt}: ${contributors.map((c) => c.identity).join(', ')}`,
      ),
    });
    current = null;
    if (result.kind === 'restart') {
      // REQ-38/39: carry over as the round decided; the rest of the round comes from the queue.
      state.restarts.push({ round, attempt: state.attempt, reason: result.reason ?? 'restart', at: Date.now() });
      state.attemptDrops.push(...result.drops);
      state.attempt += 1;
      const keep = (result.carryOver ?? []).filter((m) => !state.banned.includes(m.id));
      if (result.takeFromQueue === true) {
        state.queue.unshift(...keep.map((m) => ({ ...m, joinedAt: Date.now() })));
      } else {
        carryOver = keep;
      }
      continue;
    }
    state.baseStateKeys = result.finalStateKeys ?? state.baseStateKeys;
    state.completedRounds = round;
    state.attempt = 0;
    for (const m of result.contributors) if (!state.contributed.includes(m.id)) state.contributed.push(m.id);
    const entry: RoundHistoryEntry = {
      round,
      attempts: (state.restarts.filter((r) => r.round === round).length ?? 0) + 1,
      aggregatedKey: result.aggregatedKey ?? '',
      aggregatedSha256: result.aggregatedSha256 ?? '',
      finalStateKeys: state.baseStateKeys,
      contributors: result.contributors,
      receipts: result.receipts ?? [],
      drops: [...state.attemptDrops, ...result.drops],
      backupKey: undefined,
      completedAt: Date.now(),
    };
    state.attemptDrops = [];
    state.history.push(entry);
    while (state.history.length > HISTORY_KEPT) state.history.shift();
    // REQ-17: a backup of the ceremony state after every round.
    const { backupKey } = await light.backupCeremony({ ceremonyId: settings.ceremonyId, state });
    entry.backupKey = backupKey;
    state.lastBackupKey = backupKey;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof roundsCeremonyWorkflow>({ settings, state });
    }
  }
}
