// A chaos run of a sequential ceremony (#13): the split stack (split-stack.ts), reference
// contributors joining one after another through the balancer, and `kill -9` of every kind of
// process in turn while they wait, compute and upload. What it reports is what the coordinator
// promises: every honest contributor gets a receipt (none removed, struck or penalised), no accepted
// contribution is lost or doubled, and the transcript verifies.
import { runContributor, type ContributorResult } from '../../client/contributor.js';
import { createEngine } from '../../engine/context.js';
import { PROCESS_NAMES, startSplitStack, type ProcessName, type SplitStack } from './split-stack.js';

export interface ChaosOptions {
  contributors: number;
  /** kill -9s in all; they cycle through every process kind, so at least one of each when ≥ 5. */
  kills: number;
  /** The pause between one process being back and the next kill, drawn from [min, max]. */
  killEveryMs: readonly [number, number];
  /** How long a killed process stays down before the supervisor starts it again, drawn from [min, max]. */
  downMs: readonly [number, number];
  /** Contributors join this far apart. */
  joinEveryMs: number;
  seed: number;
  log?: (line: string) => void;
}

export interface ChaosKill {
  at: number;
  name: ProcessName;
  downMs: number;
}

export interface ContributorOutcome {
  name: string;
  result?: ContributorResult;
  /** Why it ended without a receipt (the error's code or message). */
  failure?: string;
  /** Calls it had to make again because the coordinator did not answer. */
  retries: number;
  /** Deadlines that passed while it could not reach the coordinator (excused, never counted). */
  deadlinesPassed: number;
  /** When it joined and when its contribution was accepted, in ms from the start of the run. */
  joinedAt: number;
  acceptedAt?: number;
}

export interface ChaosReport {
  kills: ChaosKill[];
  outcomes: ContributorOutcome[];
  starts: Record<ProcessName, number>;
  lostAnswers: number;
  durationMs: number;
}

/** A small deterministic generator (mulberry32): the same seed kills in the same order at the same offsets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The order of the kills: every process kind once per cycle, each cycle shuffled by `random`. */
export function killOrder(kills: number, random: () => number): ProcessName[] {
  const order: ProcessName[] = [];
  while (order.length < kills) {
    const cycle = [...PROCESS_NAMES];
    for (let i = cycle.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [cycle[i], cycle[j]] = [cycle[j] as ProcessName, cycle[i] as ProcessName];
    }
    order.push(...cycle);
  }
  return order.slice(0, kills);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const between = (random: () => number, [min, max]: readonly [number, number]): number => Math.round(min + random() * (max - min));

/** Runs the chaos on `stack` (which the caller started and stops). */
export async function runChaos(stack: SplitStack, options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const began = Date.now();
  const engine = await createEngine({ threads: 2 });
  try {
    const contributors = Array.from({ length: options.contributors }, (_, i) => `chaos-${i + 1}`).map(async (name, i): Promise<ContributorOutcome> => {
      await sleep(i * options.joinEveryMs);
      const outcome: ContributorOutcome = { name, retries: 0, deadlinesPassed: 0, joinedAt: Date.now() - began };
      try {
        outcome.result = await runContributor({
          url: stack.url,
          engine,
          name,
          turnPollMs: 1_000,
          onEvent: (event) => {
            if (event.kind === 'retrying') outcome.retries += 1;
            if (event.kind === 'deadline-passed') outcome.deadlinesPassed += 1;
            if (event.kind === 'accepted') outcome.acceptedAt = Date.now() - began;
            if (event.kind === 'started' || event.kind === 'accepted') log(`${name}: ${event.kind}`);
          },
        });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        outcome.failure = `${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}`;
        log(`${name}: FAILED ${outcome.failure}`);
      }
      return outcome;
    });

    const kills: ChaosKill[] = [];
    for (const name of killOrder(options.kills, random)) {
      await sleep(between(random, options.killEveryMs));
      const downMs = between(random, options.downMs);
      kills.push({ at: Date.now() - began, name, downMs });
      log(`kill -9 ${name} (down ${downMs} ms) at +${Math.round((Date.now() - began) / 1000)} s`);
      await stack.kill(name, downMs);
      await stack.ready(name);
    }
    const outcomes = await Promise.all(contributors);
    return { kills, outcomes, starts: stack.starts(), lostAnswers: stack.lostAnswers(), durationMs: Date.now() - began };
  } finally {
    await engine.close();
  }
}

/**
 * The longest stretch in which someone was waiting and nothing was accepted: from the later of the
 * previous acceptance and the next contributor's join to its acceptance.
 */
export function longestStallMs(outcomes: readonly ContributorOutcome[]): number {
  const accepted = outcomes.filter((o) => o.acceptedAt !== undefined).sort((a, b) => (a.acceptedAt ?? 0) - (b.acceptedAt ?? 0));
  let previous = 0;
  let longest = 0;
  for (const o of accepted) {
    const from = Math.max(previous, Math.min(...outcomes.filter((w) => (w.acceptedAt ?? Infinity) >= (o.acceptedAt ?? 0)).map((w) => w.joinedAt)));
    longest = Math.max(longest, (o.acceptedAt ?? 0) - from);
    previous = o.acceptedAt ?? 0;
  }
  return longest;
}

export { startSplitStack };
