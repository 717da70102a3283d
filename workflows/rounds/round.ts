// One round of a rounds-mode ceremony (seed 000): contributors x chunks with optimistic pipelining,
// verification (the coordinator's own activities or external verifiers), drops with removal of
// dependent work, replacement contributors, automatic and admin restarts, aggregation, receipts.
import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { rejection } from '../rejection.js';
import type { RoundsActivities, VerifyChunkResult } from './activities-api.js';
import { G2_GENERATOR_HEX } from '../../engine/curve/constants.js';
import {
  heartbeatSignal,
  instructionsQuery,
  livenessQuery,
  roundDropSignal,
  roundRestartSignal,
  roundStatusQuery,
  submitChunkUpdate,
  submitVerificationUpdate,
  takeTaskUpdate,
  takeVerificationUpdate,
  taskOfferQuery,
  verificationOfferQuery,
} from './messages.js';
import {
  assignReplacement,
  claimTask,
  claimVerification,
  configuredNewcomer,
  createRoundState,
  dropSlotMember,
  dropVerifier,
  expectedPubkey,
  expireLeases,
  findContribution,
  findStragglers,
  heartbeat,
  isComplete,
  lastSeenOf,
  markFailed,
  markVerified,
  nextSweepDue,
  offerTask,
  offerVerification,
  pubkeyConflicts,
  RoundRuleError,
  type RoundState,
  slotOfMember,
  submitContribution,
  verifiedCount,
  sweepDelayMs,
  type SweepRules,
} from './round-state.js';
import type { DropEntry, Member, RoundResult, RoundStatus, RoundsSettings } from './types.js';
import { deletableUploads, keysInUse } from './upload-keys.js';
import { describedBy } from '../message-descriptions.js';

export interface RoundInput {
  settings: RoundsSettings;
  round: number;
  attempt: number;
  contributors: Member[];
  baseStateKeys: string[];
  previousAggregatedKey: string | undefined;
  /** The round's state carried over by continue-as-new (long rounds outgrow one history). */
  carried?: RoundState;
}

type Ending = { kind: 'restart'; reason: string; carryOver: Member[]; takeFromQueue: boolean };

function fail(err: unknown): never {
  if (err instanceof RoundRuleError) throw rejection(err.code, err.message);
  throw err;
}

export async function roundWorkflow(input: RoundInput): Promise<RoundResult> {
  const { settings } = input;
  const light = proxyActivities<RoundsActivities>({
    taskQueue: settings.workflowTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 10, initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
  });
  const heavy = proxyActivities<RoundsActivities>({
    taskQueue: settings.verificationTaskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: { maximumAttempts: 5, initialInterval: '1 second', maximumInterval: '10 seconds' },
  });
  const state: RoundState = input.carried ?? createRoundState(input.round, input.attempt, input.contributors, input.baseStateKeys, Date.now());
  let verificationsInFlight = 0;
  let phase: RoundStatus['phase'] = 'contributing';
  let ending: Ending | undefined;
  let changes = 0;
  const pendingWork: Array<Promise<unknown>> = [];
  const record = (kind: string, detail: Record<string, unknown>): void => {
    pendingWork.push(light.writeRoundRecord({ ceremonyId: settings.ceremonyId, kind, round: input.round, attempt: input.attempt, detail }).catch(() => undefined));
  };

  const startRestart = (reason: string, takeFromQueueIfEmpty: boolean): void => {
    if (ending !== undefined) return;
    const carryOver = state.slots.filter((s) => s.status === 'active' && !s.isReplacement).map((s) => s.member);
    ending = { kind: 'restart', reason, carryOver, takeFromQueue: takeFromQueueIfEmpty || carryOver.length === 0 };
  };

  // REQ-25 + REQ-24 + REQ-39: drop, remove dependent work, replace or restart.
  const dropContributor = (slotIndex: number, reason: DropEntry['reason']): void => {
    const drop = dropSlotMember(state, slotIndex, reason, Date.now());
    const removed = drop.removedContributions;
    record('drop', { ...drop });
    for (const id of removed) record('removed-contribution', { contributionId: id, because: drop.memberId, reason });
    const replacement = assignReplacement(state, slotIndex, Date.now(), settings.heartbeatTimeoutMs);
    if (replacement !== undefined) {
      record('replacement', { slot: slotIndex, replaced: drop.memberId, by: replacement.id });
    } else {
      const remaining = state.slots.filter((s) => s.status === 'active' && !s.isReplacement);
      startRestart(
        remaining.length === 0 ? `contributor ${drop.identity} dropped (${reason}); no contributors remain` : `contributor ${drop.identity} dropped (${reason}); no replacement contributor available`,
        remaining.length === 0,
      );
    }
    changes += 1;
  };

  const applyVerdict = (contributionId: string, verifierId: string, verdict: VerifyChunkResult): boolean => {
    let result = verdict;
    const found = findContribution(state, contributionId);
    if (found === undefined) return false;
    if (result.valid && pubkeyConflicts(state, contributionId, result.pubkey)) {
      // Verified before the slot's first chunk fixed its key (or by a verifier told no key): every
      // chunk of one contributor must carry the same secret, so this one fails like any invalid one.
      result = {
        valid: false,
        code: 'PUBKEY_MISMATCH',
        message: `chunk ${found.chunk.index} was contributed with another secret than this contributor's other chunks`,
        verificationKey: result.verificationKey,
      };
    }
    if (result.valid) {
      const ok = markVerified(state, contributionId, verifierId, result.verificationKey, result.pubkey);
      changes += 1;
      return ok;
    }
    const failed = markFailed(state, contributionId);
    if (failed === undefined) return false;
    // REQ-32: the invalid contribution is deleted (its record is kept); the task goes back to its contributor.
    // Its key is its own submission's (chunk-uploads/<submission id>/<sha256>), so even an upload of
    // the same bytes as the base it failed on (the previous contributor's accepted upload) leaves that base alone.
    record('verification-failed', {
      contributionId,
      chunk: found.chunk.index,
      contributor: failed.entry.contributorId,
      code: result.code,
      message: result.message,
      verificationKey: result.verificationKey,
    });
    pendingWork.push(light.deleteObjects({ keys: deletableUploads([failed.entry.uploadKey], keysInUse(state.chunks)) }).catch(() => undefined));
    if (failed.failures >= settings.maxVerificationFailures) dropContributor(failed.entry.slot, 'verification-failures');
    changes += 1;
    return true;
  };

  const verifyWithCoordinator = (contributionId: string): void => {
    const found = findContribution(state, contributionId);
    if (found === undefined) return;
    verificationsInFlight += 1;
    const job = heavy
      .verifyChunk({
        ceremonyId: settings.ceremonyId,
        round: input.round,
        contributionId,
        chunk: found.chunk.index,
        baseStateKey: found.entry.baseStateKey,
        uploadKey: found.entry.uploadKey,
        expectedPubkey: expectedPubkey(state, found.entry.slot),
      })
      .then((result) => {
        applyVerdict(contributionId, 'coordinator', result);
      })
      .finally(() => {
        verificationsInFlight -= 1;
        changes += 1;
      });
    pendingWork.push(job);
  };

  /** Why the round hands out no work now, or undefined while it does. */
  const closedReason = (): string | undefined => (ending !== undefined ? 'restarting' : phase !== 'contributing' ? phase : undefined);

  // The claims. A poll asks the offer queries below first (no history) and claims only when there is
  // something to take; an update asked with nothing to take answers as before.
  setHandler(
    takeTaskUpdate,
    ({ member, replacement }) => {
      const claim = claimTask(state, member, replacement, closedReason(), Date.now());
      if (claim.changed) changes += 1;
      return claim.answer;
    },
    describedBy(takeTaskUpdate),
  );

  setHandler(
    submitChunkUpdate,
    ({ memberId, chunk, uploadKey, baseStateKey }) => {
      let entry;
      try {
        entry = submitContribution(state, memberId, chunk, uploadKey, baseStateKey, Date.now());
      } catch (err) {
        fail(err);
      }
      record('contribution', { contributionId: entry.id, chunk, contributor: memberId, uploadKey, baseStateKey });
      if (settings.verification === 'coordinator') verifyWithCoordinator(entry.id);
      changes += 1;
      return { contributionId: entry.id, status: 'verifying' as const };
    },
    {
      ...describedBy(submitChunkUpdate),
      validator: (_submission: { memberId: string; chunk: number; uploadKey: string; baseStateKey: string }) => {
        if (ending !== undefined || phase !== 'contributing') throw rejection('ROUND_RESTARTING', 'the round is restarting; ask for your next task');
      },
    },
  );

  setHandler(
    takeVerificationUpdate,
    ({ member }) => {
      const claim = claimVerification(state, member, closedReason() !== undefined, Date.now());
      if (claim.changed) changes += 1;
      return claim.answer;
    },
    describedBy(takeVerificationUpdate),
  );

  setHandler(
    submitVerificationUpdate,
    ({ verifierId, contributionId, valid, code, message, verificationKey, pubkey }) => {
      const result: VerifyChunkResult = valid
        ? { valid: true, pubkey: pubkey ?? '', verificationKey }
        : { valid: false, code: code ?? 'INVALID_CONTRIBUTION', message: message ?? 'rejected by the verifier', verificationKey };
      return { accepted: applyVerdict(contributionId, verifierId, result) };
    },
    {
      ...describedBy(submitVerificationUpdate),
      validator: ({ verifierId, contributionId, valid, pubkey }) => {
        const lease = state.leases.find((l) => l.contributionId === contributionId);
        if (lease === undefined || lease.verifierId !== verifierId) {
          throw rejection('NOT_YOUR_TURN', 'this verification is not leased to you (it may have expired)');
        }
        if (valid && (pubkey === undefined || pubkey === '')) throw rejection('VALIDATION_FAILED', 'a valid verdict names the contribution pubkey');
        if (valid && pubkey?.toLowerCase() === G2_GENERATOR_HEX) {
          throw rejection('INVALID_CONTRIBUTION', 'a contribution whose pubkey is the G2 generator (a secret of 1) is no contribution');
        }
      },
    },
  );

  setHandler(
    heartbeatSignal,
    ({ memberId, newcomer }) => {
      heartbeat(state, memberId, Date.now(), configuredNewcomer(newcomer, settings));
    },
    describedBy(heartbeatSignal),
  );
  setHandler(
    roundDropSignal,
    ({ memberId, reason }) => {
      const slot = slotOfMember(state, memberId);
      if (slot !== undefined) dropContributor(slot.slot, reason);
      else if (state.verifiers.some((v) => v.id === memberId)) {
        const drop = dropVerifier(state, memberId, reason, Date.now());
        if (drop !== undefined) record('drop', { ...drop });
      }
    },
    describedBy(roundDropSignal),
  );
  setHandler(
    roundRestartSignal,
    ({ reason }) => {
      // REQ-38: the admin restart keeps every standard contributor and resets their tasks.
      startRestart(`admin: ${reason}`, false);
      changes += 1;
    },
    describedBy(roundRestartSignal),
  );

  setHandler(
    roundStatusQuery,
    (): RoundStatus => {
      const total = state.slots.length * state.chunkCount;
      const verified = state.chunks.reduce((n, c) => n + c.contributions.filter((x) => x.status === 'verified').length, 0);
      return {
        round: input.round,
        attempt: input.attempt,
        phase: ending !== undefined ? 'restarting' : phase,
        slots: state.slots.map((s) => ({
          slot: s.slot,
          memberId: s.member.id,
          identity: s.member.identity,
          status: s.status,
          isReplacement: s.isReplacement,
          done: verifiedCount(state, s.slot),
          total: state.chunkCount,
          failures: s.failures,
        })),
        chunks: state.chunks.map((c) => ({
          index: c.index,
          verified: c.contributions.filter((x) => x.status === 'verified').length,
          verifying: c.contributions.filter((x) => x.status === 'verifying').length,
          lockedBySlot: c.lock?.slot,
        })),
        verifiers: state.verifiers,
        pendingVerifications: state.chunks.reduce((n, c) => n + c.contributions.filter((x) => x.status === 'verifying').length, 0),
        drops: state.drops,
        replacementsAvailable: state.replacements.filter((r) => r.assignedSlot === undefined && Date.now() - r.lastSeen <= settings.heartbeatTimeoutMs).length,
        progress: { verifiedContributions: verified, totalContributions: total },
      };
    },
    describedBy(roundStatusQuery),
  );

  // The polls: what a claim would get, and how recently the round heard from the member (the API
  // decides from it whether a heartbeat must reach the round). Queries write no history.
  setHandler(livenessQuery, ({ memberId }) => ({ lastSeen: lastSeenOf(state, memberId) }), describedBy(livenessQuery));
  setHandler(taskOfferQuery, ({ memberId, replacement }) => ({ offer: offerTask(state, memberId, replacement, closedReason()), lastSeen: lastSeenOf(state, memberId) }), describedBy(taskOfferQuery));
  setHandler(
    verificationOfferQuery,
    ({ memberId }) => ({ offer: offerVerification(state, memberId, closedReason() !== undefined), lastSeen: lastSeenOf(state, memberId) }),
    describedBy(verificationOfferQuery),
  );

  setHandler(
    instructionsQuery,
    (memberId) => {
      const slot = slotOfMember(state, memberId);
      if (slot === undefined) {
        const dropped = state.drops.some((d) => d.memberId === memberId);
        return { round: input.round, tasks: [], status: dropped ? 'dropped' : state.replacements.some((r) => r.member.id === memberId) ? 'standby' : 'not-in-round' };
      }
      const tasks = slot.chunkOrder.map((chunk) => {
        const c = state.chunks[chunk];
        const mine = c?.contributions.find((x) => x.slot === slot.slot);
        const taskState: 'pending' | 'verifying' | 'verified' | 'in-progress' = mine !== undefined ? mine.status : c?.lock?.slot === slot.slot ? 'in-progress' : 'pending';
        return { chunk, state: taskState };
      });
      return { round: input.round, tasks, status: phase };
    },
    describedBy(instructionsQuery),
  );

  // The sweep: stragglers (REQ-20, REQ-35), expired verification leases, no verifiers left (REQ-39).
  // After a continue-as-new, contributions that were being verified by the coordinator go again.
  if (input.carried !== undefined && settings.verification === 'coordinator') {
    for (const chunk of state.chunks) for (const c of chunk.contributions) if (c.status === 'verifying') verifyWithCoordinator(c.id);
  }

  // One timer per sweep, not one per wake-up: every update or signal wakes the loop (to check for the
  // end and for continue-as-new), and a timeout on that wait would start and cancel a timer each time,
  // two history events and a command per workflow task. The timer sleeps until the next deadline the
  // sweep enforces (round-state.ts sweepDelayMs: at least sweepIntervalMs, at most half the shortest
  // timeout), so a quiet round writes a sweep every half timeout, not every interval. A drop wakes it
  // at once: it can make a finished contributor unfinished again (its later contributions go), with a
  // liveness deadline long past, or leave no verifier. Rounds started before this change sleep
  // sweepIntervalMs, as their histories record.
  const sweepRules: SweepRules = {
    heartbeatTimeoutMs: settings.heartbeatTimeoutMs,
    slowTaskTimeoutMs: settings.slowTaskTimeoutMs,
    verificationLeaseMs: settings.verification === 'external' ? settings.verificationLeaseMs : undefined,
  };
  const untilDue = patched('round-sweep-until-due');
  let sweeps = 0;
  let swept = 0;
  let sweeping = true;
  void (async () => {
    while (sweeping) {
      if (untilDue) {
        const drops = state.drops.length;
        await condition(() => state.drops.length !== drops || !sweeping, sweepDelayMs(nextSweepDue(state, sweepRules), Date.now(), settings.sweepIntervalMs, sweepRules));
      } else {
        await sleep(settings.sweepIntervalMs);
      }
      sweeps += 1;
    }
  })();

  while (ending === undefined && !isComplete(state)) {
    if (workflowInfo().continueAsNewSuggested && verificationsInFlight === 0) {
      await Promise.allSettled(pendingWork);
      await condition(allHandlersFinished);
      if (verificationsInFlight === 0 && ending === undefined) {
        await continueAsNew<typeof roundWorkflow>({ ...input, carried: state });
      }
    }
    const seen = changes;
    await condition(() => changes !== seen || sweeps !== swept || ending !== undefined || isComplete(state));
    if (sweeps === swept) continue;
    swept = sweeps;
    const now = Date.now();
    for (const straggler of findStragglers(state, now, settings.heartbeatTimeoutMs, settings.slowTaskTimeoutMs)) {
      if (ending !== undefined) break;
      dropContributor(straggler.slot, straggler.reason);
    }
    if (settings.verification === 'external') {
      for (const verifier of expireLeases(state, now, settings.verificationLeaseMs, settings.maxVerifierFailures)) {
        const drop = dropVerifier(state, verifier.id, 'verifier-failures', now);
        if (drop !== undefined) record('drop', { ...drop });
      }
      for (const verifier of state.verifiers) {
        if (verifier.status === 'active' && now - verifier.lastSeen > settings.heartbeatTimeoutMs) {
          const drop = dropVerifier(state, verifier.id, 'unresponsive', now);
          if (drop !== undefined) record('drop', { ...drop });
        }
      }
      const everHad = state.verifiers.length > 0;
      if (everHad && state.verifiers.every((v) => v.status === 'dropped')) startRestart('every verifier was dropped', true);
    }
  }

  sweeping = false;
  const contributors = state.slots.map((s) => s.member);
  if (ending !== undefined) {
    phase = 'restarting';
    // The cancelled round's resources are cleaned up (records stay); tasks reset in the next attempt,
    // which starts again from the chunks' bases. Each upload is its own submission's object.
    const uploads = state.chunks.flatMap((c) => c.contributions.map((x) => x.uploadKey));
    await light.deleteObjects({ keys: deletableUploads(uploads, new Set(state.chunks.map((c) => c.baseStateKey))) });
    record('restart', { reason: ending.reason, carryOver: ending.carryOver.map((m) => m.id), takeFromQueue: ending.takeFromQueue });
    await Promise.allSettled(pendingWork);
    await condition(allHandlersFinished);
    return { kind: 'restart', round: input.round, attempt: input.attempt, reason: ending.reason, carryOver: ending.carryOver, takeFromQueue: ending.takeFromQueue, contributors, drops: state.drops };
  }

  // REQ-37: aggregate, checking every seam; REQ-2: a receipt per contributor.
  phase = 'aggregating';
  const finalKeys = state.chunks.map((c) => c.contributions[c.contributions.length - 1]?.uploadKey ?? c.baseStateKey);
  const aggregated = await heavy.aggregateRound({
    ceremonyId: settings.ceremonyId,
    round: input.round,
    finalKeys,
    historyKeys: (state.chunks[0]?.contributions ?? []).map((c) => c.uploadKey),
    historyIdentities: (state.chunks[0]?.contributions ?? []).map((c) => state.slots.find((s) => s.member.id === c.contributorId)?.member.identity ?? ''),
    contributors: state.slots.map((s) => ({ memberId: s.member.id, identity: s.member.identity, pubkeys: state.chunks.map((c) => c.contributions.find((x) => x.slot === s.slot)?.pubkey ?? '') })),
    previousAggregatedKey: input.previousAggregatedKey,
  });
  const receipts: Array<{ memberId: string; identity: string; receiptId: string }> = [];
  for (const slot of state.slots) {
    const contributions = state.chunks.map((c) => {
      const mine = c.contributions.find((x) => x.slot === slot.slot);
      return { chunk: c.index, uploadKey: mine?.uploadKey ?? '', pubkey: mine?.pubkey };
    });
    const { receiptId } = await light.issueRoundReceipt({
      ceremonyId: settings.ceremonyId,
      round: input.round,
      memberId: slot.member.id,
      identity: slot.member.identity,
      contributions,
      aggregatedSha256: aggregated.aggregatedSha256,
    });
    receipts.push({ memberId: slot.member.id, identity: slot.member.identity, receiptId });
  }
  phase = 'complete';
  // REQ-29: the round is complete; participants polling their instructions now see it.
  record('round-complete', { aggregatedKey: aggregated.aggregatedKey, receipts });
  await Promise.allSettled(pendingWork);
  await condition(allHandlersFinished);
  return {
    kind: 'complete',
    round: input.round,
    attempt: input.attempt,
    finalStateKeys: aggregated.finalStateKeys,
    aggregatedKey: aggregated.aggregatedKey,
    aggregatedSha256: aggregated.aggregatedSha256,
    receipts,
    contributors,
    drops: state.drops,
  };
}
