// The ceremony's own metrics on GET /metrics, read at scrape time from what the workflows answer
// (the gateways' short-cached queries), so every replica reports the same durable figures and none
// keeps a count of its own: the queue, turns by outcome, removals, the phase, the round's progress,
// time since the last accepted contribution, and whether the ceremony answered at all (a query
// needs a running workflow worker, so 0 means the worker or Temporal is down).
import { Gauge, type Registry } from 'prom-client';
import type { QueueSnapshot } from '../workflows/sequential/types.js';
import type { RoundsCeremonyStatus } from '../workflows/rounds/ceremony-types.js';

/** What the metrics read; each replica's routes hand over their mode's readers. */
export type CeremonyMetricsSource =
  | { mode: 'sequential'; snapshot: () => Promise<QueueSnapshot>; lastAcceptedAt: () => Promise<number | undefined> }
  | { mode: 'rounds'; status: () => Promise<RoundsCeremonyStatus & { round: RoundProgress | null }> };

interface RoundProgress {
  drops: ReadonlyArray<{ role: string }>;
  replacementsAvailable: number;
  progress: { verifiedContributions: number; totalContributions: number };
}

/** The outcome label of each turn statistic. */
const TURN_OUTCOMES = { accepted: 'accepted', rejected: 'rejected', startMissed: 'start-missed', computeTimeouts: 'compute-timeout', aborted: 'aborted', cancelled: 'cancelled' } as const;
/** Every phase either mode reports, so that the one in force is 1 and the others 0. */
const PHASES = ['open', 'paused', 'closed', 'final', 'initialising', 'waiting-for-contributors', 'round-running', 'finished'] as const;

const registered = new WeakMap<Registry, { source: CeremonyMetricsSource | undefined }>();

/** Registers the ceremony gauges on `registry` once; later calls only change what they read. */
export function registerCeremonyMetrics(registry: Registry, source: CeremonyMetricsSource): void {
  const existing = registered.get(registry);
  if (existing !== undefined) {
    existing.source = source;
    return;
  }
  const holder = { source: source as CeremonyMetricsSource | undefined };
  registered.set(registry, holder);
  // prom-client calls collect on each metric it serialises: the first call of a scrape reads the
  // ceremony for every gauge, the others wait for that same reading.
  let pending: Promise<void> | undefined;
  const once = (): Promise<void> => {
    pending ??= collect().finally(() => setTimeout(() => (pending = undefined), 0));
    return pending;
  };
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new Gauge<L>({ name, help, labelNames, registers: [registry], collect: once });

  const up = gauge('ceremony_status_up', 'Whether the ceremony workflow answered this scrape (0: the workflow worker or Temporal is down)');
  const phase = gauge('ceremony_phase', 'The ceremony phase: 1 for the one in force', ['phase'] as const);
  const queue = gauge('ceremony_queue_length', 'Participants waiting (sequential: the lobby queue; rounds: the round queue)');
  const contributions = gauge('ceremony_contributions', 'Contributions in the current transcript (sequential)');
  const turns = gauge('ceremony_turns', 'Turns ended, by outcome, since the ceremony began (sequential; monotonic)', ['outcome'] as const);
  const removed = gauge('ceremony_participants_removed', 'Participants who left the queue, by reason, since the ceremony began (sequential; monotonic)', ['reason'] as const);
  const turnInProgress = gauge('ceremony_turn_in_progress', 'Whether a turn is running (sequential)');
  const roundTrip = gauge('ceremony_average_round_trip_seconds', 'Average compute and verification time of recent turns (sequential)');
  const sinceAccepted = gauge('ceremony_seconds_since_last_accepted', 'Seconds since the newest accepted contribution (sequential; absent before the first)');
  const rounds = gauge('ceremony_rounds_completed', 'Rounds completed (rounds)');
  const roundVerified = gauge('ceremony_round_contributions_verified', 'Chunk contributions verified in the running round (rounds)');
  const roundNeeded = gauge('ceremony_round_contributions_needed', 'Chunk contributions the running round needs (rounds)');
  const drops = gauge('ceremony_round_drops', 'Participants dropped in the running round, by role (rounds)', ['role'] as const);
  const replacements = gauge('ceremony_round_replacements_available', 'Replacement contributors standing by (rounds)');
  const restarts = gauge('ceremony_round_restarts', 'Round restarts since the ceremony began (rounds; monotonic)');

  const setPhase = (current: string): void => {
    for (const p of PHASES) phase.set({ phase: p }, p === current ? 1 : 0);
  };

  async function collect(): Promise<void> {
    const current = holder.source;
    if (current === undefined) return;
    try {
      if (current.mode === 'sequential') {
        const [s, lastAt] = await Promise.all([current.snapshot(), current.lastAcceptedAt().catch(() => undefined)]);
        setPhase(s.phase.phase);
        queue.set(s.queueLength);
        contributions.set(s.head?.sequence ?? 0);
        for (const [key, outcome] of Object.entries(TURN_OUTCOMES)) turns.set({ outcome }, s.stats[key as keyof typeof TURN_OUTCOMES]);
        removed.set({ reason: 'left' }, s.stats.leftQueue);
        removed.set({ reason: 'missed-checkin' }, s.stats.removedForMissedCheckin);
        turnInProgress.set(s.current === null ? 0 : 1);
        roundTrip.set(s.averageRoundTripMs / 1000);
        if (lastAt !== undefined) sinceAccepted.set(Math.max(0, (Date.now() - lastAt) / 1000));
      } else {
        const s = await current.status();
        setPhase(s.phase);
        queue.set(s.queue.length);
        rounds.set(s.completedRounds);
        restarts.set(s.restarts.length);
        roundVerified.set(s.round?.progress.verifiedContributions ?? 0);
        roundNeeded.set(s.round?.progress.totalContributions ?? 0);
        replacements.set(s.round?.replacementsAvailable ?? 0);
        for (const role of ['contributor', 'verifier']) drops.set({ role }, s.round?.drops.filter((d) => d.role === role).length ?? 0);
      }
      up.set(1);
    } catch {
      up.set(0);
    }
  }
}
