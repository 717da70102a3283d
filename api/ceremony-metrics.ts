// The ceremony's own metrics on GET /metrics, read at scrape time from what the workflows answer
// (the gateways' short-cached queries), so every replica reports the same durable figures and none
// keeps a count of its own: the queue, turns by outcome, removals, the phase, the round's progress,
// time since the last accepted contribution, and whether the ceremony answered at all in time (a
// query needs a running workflow worker, so 0 means the worker or Temporal is down). Only the gauges
// of the ceremony's mode are exposed.
import { Gauge, type Registry } from 'prom-client';
import type { QueueSnapshot } from '../workflows/sequential/types.js';
import type { RoundsCeremonyStatus } from '../workflows/rounds/ceremony-types.js';

/** What the metrics read; each replica's routes hand over their mode's readers. */
export type CeremonyMetricsSource =
  | {
      mode: 'sequential';
      snapshot: () => Promise<QueueSnapshot>;
      lastAcceptedAt: () => Promise<number | undefined>;
      /** When the ceremony workflow's run started: the clock of "since the last accepted" before the first. */
      openedAt: () => Promise<number>;
    }
  | { mode: 'rounds'; status: () => Promise<RoundsCeremonyStatus & { round: RoundProgress | null }> };

interface RoundProgress {
  drops: ReadonlyArray<{ role: string }>;
  replacementsAvailable: number;
  progress: { verifiedContributions: number; totalContributions: number };
}

/** A scrape waits this long for the ceremony at most: Prometheus's own timeout is 10 s by default. */
export const COLLECT_TIMEOUT_MS = 3_000;

/** The outcome label of each turn statistic. */
const TURN_OUTCOMES = { accepted: 'accepted', rejected: 'rejected', startMissed: 'start-missed', computeTimeouts: 'compute-timeout', aborted: 'aborted', cancelled: 'cancelled' } as const;
const SEQUENTIAL_PHASES = ['open', 'paused', 'closed', 'final'] as const satisfies ReadonlyArray<QueueSnapshot['phase']['phase']>;
const ROUNDS_PHASES = ['initialising', 'waiting-for-contributors', 'round-running', 'finished'] as const satisfies ReadonlyArray<RoundsCeremonyStatus['phase']>;
/** Rounds mode reports two phases at once: who may join (as in sequential mode) and how far the rounds are. */
const ROUNDS_ADMISSIONS = ['open', 'paused', 'closed'] as const satisfies ReadonlyArray<RoundsCeremonyStatus['admission']['phase']>;

type Gauges = Map<string, Gauge<string>>;

interface Holder {
  source: CeremonyMetricsSource;
  gauges: Gauges;
}

const registered = new WeakMap<Registry, Holder>();

/** The gauges of one mode, registered on `registry` (prom-client asks `collect` before it answers). */
function createGauges(registry: Registry, mode: CeremonyMetricsSource['mode'], collect: () => Promise<void>): Gauges {
  const gauges: Gauges = new Map();
  const gauge = (name: string, help: string, labelNames: readonly string[] = []): void => {
    gauges.set(name, new Gauge({ name, help, labelNames, registers: [registry], collect }));
  };
  gauge('ceremony_status_up', 'Whether the ceremony workflow answered this scrape within 3 s (0: the workflow worker or Temporal is down or slow)');
  gauge(
    'ceremony_phase',
    mode === 'sequential'
      ? 'The ceremony phase: 1 for the one in force'
      : 'The ceremony phases: 1 for the admission in force (open, paused, closed) and 1 for the rounds progress (initialising, waiting-for-contributors, round-running, finished)',
    ['phase'],
  );
  gauge('ceremony_queue_length', 'Participants waiting (sequential: the lobby queue; rounds: the round queue)');
  if (mode === 'sequential') {
    gauge('ceremony_contributions', 'Contributions in the current transcript');
    gauge('ceremony_turns', 'Turns ended, by outcome, since the ceremony began (monotonic)', ['outcome']);
    gauge('ceremony_participants_removed', 'Participants who left the queue, by reason, since the ceremony began (monotonic)', ['reason']);
    gauge('ceremony_turn_in_progress', 'Whether a turn is running');
    gauge('ceremony_average_round_trip_seconds', 'Average compute and verification time of recent turns');
    gauge('ceremony_seconds_since_last_accepted', 'Seconds since the newest accepted contribution, or since the ceremony opened before the first');
  } else {
    gauge('ceremony_rounds_completed', 'Rounds completed');
    gauge('ceremony_round_contributions_verified', 'Chunk contributions verified in the running round');
    gauge('ceremony_round_contributions_needed', 'Chunk contributions the running round needs');
    gauge('ceremony_round_drops', 'Participants dropped in the running round, by role', ['role']);
    gauge('ceremony_round_replacements_available', 'Replacement contributors standing by');
    gauge('ceremony_round_restarts', 'Round restarts since the ceremony began (monotonic)');
  }
  return gauges;
}

async function read(source: CeremonyMetricsSource, gauges: Gauges): Promise<void> {
  const set = (name: string, value: number, labels?: Record<string, string>): void => {
    const g = gauges.get(name);
    if (g === undefined) return;
    if (labels === undefined) g.set(value);
    else g.set(labels, value);
  };
  if (source.mode === 'sequential') {
    const [s, lastAt, openedAt] = await Promise.all([source.snapshot(), source.lastAcceptedAt(), source.openedAt()]);
    for (const p of SEQUENTIAL_PHASES) set('ceremony_phase', p === s.phase.phase ? 1 : 0, { phase: p });
    set('ceremony_queue_length', s.queueLength);
    set('ceremony_contributions', s.head?.sequence ?? 0);
    for (const [key, outcome] of Object.entries(TURN_OUTCOMES)) set('ceremony_turns', s.stats[key as keyof typeof TURN_OUTCOMES], { outcome });
    set('ceremony_participants_removed', s.stats.leftQueue, { reason: 'left' });
    set('ceremony_participants_removed', s.stats.removedForMissedCheckin, { reason: 'missed-checkin' });
    set('ceremony_turn_in_progress', s.current === null ? 0 : 1);
    set('ceremony_average_round_trip_seconds', s.averageRoundTripMs / 1000);
    set('ceremony_seconds_since_last_accepted', Math.max(0, (Date.now() - (lastAt ?? openedAt)) / 1000));
  } else {
    const s = await source.status();
    for (const p of ROUNDS_PHASES) set('ceremony_phase', p === s.phase ? 1 : 0, { phase: p });
    for (const p of ROUNDS_ADMISSIONS) set('ceremony_phase', p === s.admission.phase ? 1 : 0, { phase: p });
    set('ceremony_queue_length', s.queue.length);
    set('ceremony_rounds_completed', s.completedRounds);
    set('ceremony_round_restarts', s.restarts.length);
    set('ceremony_round_contributions_verified', s.round?.progress.verifiedContributions ?? 0);
    set('ceremony_round_contributions_needed', s.round?.progress.totalContributions ?? 0);
    set('ceremony_round_replacements_available', s.round?.replacementsAvailable ?? 0);
    for (const role of ['contributor', 'verifier']) set('ceremony_round_drops', s.round?.drops.filter((d) => d.role === role).length ?? 0, { role });
  }
}

/** Registers the ceremony gauges on `registry`; a later call (another app in the same process) takes over what they read. */
export function registerCeremonyMetrics(registry: Registry, source: CeremonyMetricsSource): void {
  const existing = registered.get(registry);
  if (existing !== undefined && existing.source.mode === source.mode) {
    existing.source = source;
    return;
  }
  if (existing !== undefined) for (const name of existing.gauges.keys()) registry.removeSingleMetric(name);
  // prom-client calls collect on each metric it serialises: the first call of a scrape reads the
  // ceremony for every gauge, the others wait for that same reading; it never outlasts the timeout.
  let pending: Promise<void> | undefined;
  const collect = (): Promise<void> => {
    pending ??= (async () => {
      const up = holder.gauges.get('ceremony_status_up');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the ceremony did not answer in time')), COLLECT_TIMEOUT_MS);
      });
      try {
        await Promise.race([read(holder.source, holder.gauges), late]);
        up?.set(1);
      } catch {
        up?.set(0);
      } finally {
        clearTimeout(timer);
        setTimeout(() => (pending = undefined), 0);
      }
    })();
    return pending;
  };
  const holder: Holder = { source, gauges: new Map() };
  holder.gauges = createGauges(registry, source.mode, collect);
  registered.set(registry, holder);
}
