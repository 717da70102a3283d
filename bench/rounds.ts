// Rounds-mode benchmark (seed 000): one round of N contributors over C chunks on the embedded stack
// (a Temporal dev server, both production workers and the production API in this process; temp data
// dir, free ports, loopback only), with coordinator verification. Prints figures; not a test.
//
//   npx tsx bench/rounds.ts [--contributors 5] [--chunks 32] [--compute-ms 2500] [--g1 65] [--g2 2]
//                           [--stack embedded|test]
//
// Each contributor is client/rounds-contributor.ts (the real client: task polling, download, real
// contribution, upload) with `simulatedComputeMs` = S: a fixed sleep per chunk on top of the real
// cryptography, which is kept negligible by a tiny vector (65 G1 powers in 32 chunks: 3 points each).
//
// Wall time: the round workflow's start (its Temporal start time) to the round's completion as the
// ceremony reports it in /rounds/status history[].completedAt (after aggregation, receipts and the
// ceremony's bookkeeping).
//
// The ideal: the same schedule with zero coordinator latency. A discrete-event simulation
// (simulateRules below) runs the round's own rules, workflows/rounds/round-state.ts, on a virtual
// clock: every contributor asks for a task the instant it is free or the state changes (no polling,
// no HTTP, no Temporal), a contribution takes S + c (c = the real per-chunk cryptography, measured
// separately below), its verification takes V (the mean of the run's verifyChunk activities, from
// start to completion in the workflow history) on at most K = 4 verifications at a time (the
// verification worker's maxConcurrentActivityTaskExecutions), and a chunk takes contribution k+1
// only after contribution k is verified. Its makespan ends at the last verification; the ideal adds
// the measured aggregation (A: aggregateRound activity) since that is coordinator work no schedule avoids.
// For reference it also prints: the strict cyclic schedule (slot i does chunk (i+k) mod C at step k
// and waits when that chunk is busy, no skipping), the same rules with the slots' first chunks C/N
// apart instead of adjacent (a what-if), and the lower bound C (S + c) + V (each contributor's own
// chunks are sequential; its last one still needs a verification).
// Target: wall <= 1.3 x ideal.
import type { Client } from '@temporalio/client';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { RoundsClient, type RoundsStatusAnswer } from '../client/rounds-client.js';
import { runRoundsContributor, type RoundsContributorEvent } from '../client/rounds-contributor.js';
import { contributeChunk, deriveRoundSecret } from '../engine/chunked/contribute.js';
import { initialChunkStates } from '../engine/chunked/initial.js';
import { createEngine } from '../engine/context.js';
import { roundWorkflowId } from '../workflows/rounds/ceremony.js';
import { createRoundState, isComplete, markVerified, submitContribution, takeTask } from '../workflows/rounds/round-state.js';
import { bounded, eventMs, startBenchStack } from './support.js';

const { values: args } = parseArgs({
  options: {
    contributors: { type: 'string', default: '5' },
    chunks: { type: 'string', default: '32' },
    'compute-ms': { type: 'string', default: '2500' },
    g1: { type: 'string', default: '65' },
    g2: { type: 'string', default: '2' },
    stack: { type: 'string', default: 'embedded' },
    'log-level': { type: 'string', default: 'silent' },
  },
});

const N = bounded(args.contributors, 1, 20, 'contributors');
const C = bounded(args.chunks, 1, 256, 'chunks');
const S = bounded(args['compute-ms'], 0, 60_000, 'compute-ms');
const G1 = bounded(args.g1, 2, 4096, 'g1');
const G2 = bounded(args.g2, 2, G1, 'g2');
if (C > G1 - 1) throw new Error('--chunks must be at most --g1 - 1');
if (args.stack !== 'embedded' && args.stack !== 'test') throw new Error('--stack is embedded or test');
/** The verification worker's maxConcurrentActivityTaskExecutions (runtime/workers.ts). */
const VERIFY_SLOTS = 4;
/** The whole run gives up after this long. */
const OVERALL_TIMEOUT_MS = 15 * 60_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mean = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number);
}
const f1 = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(1));
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const stats = (xs: number[]): string => `n=${xs.length} mean ${f1(mean(xs))} p50 ${f1(quantile(xs, 0.5))} p95 ${f1(quantile(xs, 0.95))} max ${f1(quantile(xs, 1))} ms`;

// ---- the ideal schedules (virtual time, zero coordinator latency) ----

interface SimEvent {
  at: number;
  kind: 'computed' | 'verified';
  slot: number;
  chunk: number;
  base: string;
  id: string;
}

/** The round's own rules (round-state.ts) with zero latency; returns the time of the last verification. */
function simulateRules(n: number, c: number, computeMs: number, verifyMs: number, verifySlots: number, startOf?: (slot: number) => number): number {
  const members = Array.from({ length: n }, (_, i) => ({ id: `m${i}`, identity: `sim|${i}` }));
  const state = createRoundState(
    1,
    0,
    members,
    Array.from({ length: c }, (_, i) => `chunks/${i}`),
    0,
  );
  // What-if: another first chunk per slot, then cyclically (the rules are unchanged).
  if (startOf !== undefined) for (const slot of state.slots) slot.chunkOrder = Array.from({ length: c }, (_, k) => (startOf(slot.slot) + k) % c);
  const events: SimEvent[] = [];
  const busy = new Array<boolean>(n).fill(false);
  const queue: string[] = [];
  let running = 0;
  let now = 0;
  let uploads = 0;
  const dispatch = (): void => {
    while (running < verifySlots && queue.length > 0) {
      const id = queue.shift() as string;
      running += 1;
      events.push({ at: now + verifyMs, kind: 'verified', slot: -1, chunk: -1, base: '', id });
    }
    for (let i = 0; i < n; i++) {
      if (busy[i]) continue;
      const task = takeTask(state, `m${i}`, now);
      if (task.action !== 'contribute') continue;
      busy[i] = true;
      events.push({ at: now + computeMs, kind: 'computed', slot: i, chunk: task.chunk, base: task.baseStateKey, id: '' });
    }
  };
  dispatch();
  for (let guard = 0; !isComplete(state); guard++) {
    if (guard > 100 * n * c + 100) throw new Error('simulation did not finish');
    events.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'verified' ? -1 : 1));
    const e = events.shift();
    if (e === undefined) throw new Error('simulation stalled');
    now = e.at;
    if (e.kind === 'computed') {
      uploads += 1;
      const entry = submitContribution(state, `m${e.slot}`, e.chunk, `up/${uploads}`, e.base, now);
      queue.push(entry.id);
      busy[e.slot] = false;
    } else {
      markVerified(state, e.id, 'sim', 'v', 'pk');
      running -= 1;
    }
    dispatch();
  }
  return now;
}

/** Strict cyclic order: slot i does chunk (i + k) mod C at step k, waiting while that chunk is locked or verifying. */
function simulateStrictCyclic(n: number, c: number, computeMs: number, verifyMs: number, verifySlots: number): number {
  const step = new Array<number>(n).fill(0);
  const busySlot = new Array<boolean>(n).fill(false);
  const busyChunk = new Array<boolean>(c).fill(false);
  const events: Array<{ at: number; kind: 'computed' | 'verified'; slot: number; chunk: number }> = [];
  const queue: number[] = [];
  let running = 0;
  let verified = 0;
  let now = 0;
  const dispatch = (): void => {
    while (running < verifySlots && queue.length > 0) {
      running += 1;
      events.push({ at: now + verifyMs, kind: 'verified', slot: -1, chunk: queue.shift() as number });
    }
    for (let i = 0; i < n; i++) {
      if (busySlot[i] || (step[i] as number) >= c) continue;
      const chunk = (i + (step[i] as number)) % c;
      if (busyChunk[chunk]) continue;
      busySlot[i] = true;
      busyChunk[chunk] = true;
      events.push({ at: now + computeMs, kind: 'computed', slot: i, chunk });
    }
  };
  dispatch();
  while (verified < n * c) {
    events.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'verified' ? -1 : 1));
    const e = events.shift();
    if (e === undefined) throw new Error('strict simulation stalled');
    now = e.at;
    if (e.kind === 'computed') {
      busySlot[e.slot] = false;
      step[e.slot] = (step[e.slot] as number) + 1;
      queue.push(e.chunk);
    } else {
      busyChunk[e.chunk] = false;
      running -= 1;
      verified += 1;
    }
    dispatch();
  }
  return now;
}

// ---- the run ----

const overrides = {
  auth: { rateLimits: { enabled: false } },
  ceremony: {
    id: 'bench-rounds',
    mode: 'rounds',
    rounds: {
      numG1Powers: G1,
      numG2Powers: G2,
      chunkCount: C,
      contributorsPerRound: N,
      roundFillWaitMs: 120_000,
      verification: 'coordinator',
      heartbeatTimeoutMs: 60_000,
      slowTaskTimeoutMs: 600_000,
      maxRounds: 1,
    },
  },
};

function decodeFirst(payloads: { payloads?: Array<{ data?: Uint8Array | null }> | null } | null | undefined): unknown {
  const data = payloads?.payloads?.[0]?.data;
  if (data === null || data === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

interface RoundProfile {
  events: number;
  startMs: number;
  closeMs: number;
  /** verifyChunk: scheduled, started, completed, by contribution id */
  verifications: Array<{ contributionId: string; chunk: number; scheduled: number; started: number; completed: number }>;
  /** submitChunk updates: accepted time, member, chunk */
  submits: Array<{ at: number; memberId: string; chunk: number }>;
  /** takeTask answers in order: member, time, answer */
  tasks: Array<{ at: number; memberId: string; action: string; chunk?: number; contributionIndex?: number }>;
  aggregate: { scheduled: number; completed: number } | undefined;
  workflowTasks: number[];
  /** history events by kind (signals by name, updates by name) */
  kinds: Record<string, number>;
}

async function roundProfile(client: Client, workflowId: string): Promise<RoundProfile> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const scheduled = new Map<number, { name: string; input: unknown; at: number }>();
  const started = new Map<number, number>();
  const updates = new Map<string, { name: string; input: unknown; at: number }>();
  const profile: RoundProfile = { events: events.length, startMs: NaN, closeMs: NaN, verifications: [], submits: [], tasks: [], aggregate: undefined, workflowTasks: [], kinds: {} };
  let wftScheduled = NaN;
  const count = (kind: string): void => {
    profile.kinds[kind] = (profile.kinds[kind] ?? 0) + 1;
  };
  for (const e of events) {
    const at = eventMs(e);
    if (e.workflowExecutionSignaledEventAttributes != null) count(`signal ${e.workflowExecutionSignaledEventAttributes.signalName ?? '?'}`);
    else if (e.workflowExecutionUpdateAcceptedEventAttributes != null || e.workflowExecutionUpdateCompletedEventAttributes != null) count('update accepted/completed');
    else if (e.workflowTaskScheduledEventAttributes != null || e.workflowTaskStartedEventAttributes != null || e.workflowTaskCompletedEventAttributes != null) count('workflow task');
    else if (e.activityTaskScheduledEventAttributes != null || e.activityTaskStartedEventAttributes != null || e.activityTaskCompletedEventAttributes != null) count('activity');
    else
      count(
        Object.entries(e)
          .find(([k, v]) => k.endsWith('EventAttributes') && v != null)?.[0]
          .replace(/EventAttributes$/, '') ?? 'other',
      );
    const id = Number(e.eventId ?? 0);
    if (e.workflowExecutionStartedEventAttributes != null) profile.startMs = at;
    if (e.workflowExecutionCompletedEventAttributes != null) profile.closeMs = at;
    if (e.workflowTaskScheduledEventAttributes != null) wftScheduled = at;
    if (e.workflowTaskCompletedEventAttributes != null && !Number.isNaN(wftScheduled)) profile.workflowTasks.push(at - wftScheduled);
    const sch = e.activityTaskScheduledEventAttributes;
    if (sch != null) scheduled.set(id, { name: sch.activityType?.name ?? '', input: decodeFirst(sch.input), at });
    const st = e.activityTaskStartedEventAttributes;
    if (st != null) started.set(Number(st.scheduledEventId ?? 0), at);
    const done = e.activityTaskCompletedEventAttributes;
    if (done != null) {
      const key = Number(done.scheduledEventId ?? 0);
      const s = scheduled.get(key);
      if (s?.name === 'verifyChunk') {
        const input = s.input as { contributionId: string; chunk: number };
        profile.verifications.push({ contributionId: input.contributionId, chunk: input.chunk, scheduled: s.at, started: started.get(key) ?? NaN, completed: at });
      } else if (s?.name === 'aggregateRound') {
        profile.aggregate = { scheduled: s.at, completed: at };
      }
    }
    const acc = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (acc != null) {
      const name = acc.acceptedRequest?.input?.name ?? '';
      const input = decodeFirst(acc.acceptedRequest?.input?.args);
      updates.set(acc.acceptedRequest?.meta?.updateId ?? acc.protocolInstanceId ?? '', { name, input, at });
      if (name === 'submitChunk') {
        const sub = input as { memberId: string; chunk: number };
        profile.submits.push({ at, memberId: sub.memberId, chunk: sub.chunk });
      }
    }
    const comp = e.workflowExecutionUpdateCompletedEventAttributes;
    if (comp != null) {
      const u = updates.get(comp.meta?.updateId ?? '');
      if (u?.name === 'takeTask') {
        const answer = decodeFirst(comp.outcome?.success) as { action?: string; chunk?: number; contributionIndex?: number } | undefined;
        const memberId = (u.input as { member?: { id?: string } } | undefined)?.member?.id ?? '?';
        profile.tasks.push({ at, memberId, action: answer?.action ?? '?', chunk: answer?.chunk, contributionIndex: answer?.contributionIndex });
      }
    }
  }
  return profile;
}

/** The mean time of the real per-chunk contribution (download and upload excluded) on this machine. */
async function cryptoPerChunk(): Promise<number> {
  const engine = await createEngine({ threads: 0 });
  try {
    const states = initialChunkStates({ numG1Powers: G1, numG2Powers: G2 }, C);
    const secret = deriveRoundSecret();
    const times: number[] = [];
    for (let i = 0; i < Math.min(40, 2 * C); i++) {
      const state = states[i % C];
      if (state === undefined) continue;
      const t = performance.now();
      await contributeChunk(engine, state, secret);
      times.push(performance.now() - t);
    }
    return mean(times.slice(Math.min(5, times.length - 1)));
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  const guard = setTimeout(() => {
    console.error(`bench: gave up after ${OVERALL_TIMEOUT_MS / 60_000} min`);
    process.exit(2);
  }, OVERALL_TIMEOUT_MS);
  guard.unref();
  const crypto = await cryptoPerChunk();
  const stackStart = performance.now();
  const stack = await startBenchStack(args.stack === 'test' ? 'test' : 'embedded', overrides, args['log-level'], 'rounds');
  const stackMs = performance.now() - stackStart;
  console.log(`rounds benchmark, ${startedAt.toISOString()}`);
  console.log(`  machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; load average before the run ${load(loadBefore)}`);
  console.log(`  command: npx tsx bench/rounds.ts ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(
    `  stack: ${args.stack === 'test' ? 'test/helpers/stack.ts' : 'runtime/stack.ts'} (started in ${sec(stackMs)}); ${N} contributors, ${C} chunks, numG1Powers ${G1}, numG2Powers ${G2}, coordinator verification`,
  );
  console.log(`  simulated compute S = ${S} ms per chunk, real cryptography c = ${f1(crypto)} ms per chunk (measured apart)`);
  const engine = await createEngine({ threads: 0 });
  const api = new RoundsClient(stack.apiUrl);
  let failure: unknown;
  try {
    // The ceremony has its initial chunks before anyone joins.
    for (let i = 0; ; i++) {
      const s = await api.status().catch(() => undefined);
      if (s !== undefined && s.phase !== 'initialising') break;
      if (i > 600) throw new Error('the ceremony did not initialise');
      await sleep(100);
    }
    const log: Array<{ at: number; name: string; event: RoundsContributorEvent }> = [];
    const t0 = Date.now();
    const runs = Array.from({ length: N }, (_, i) =>
      runRoundsContributor({
        url: stack.apiUrl,
        engine,
        name: `bench-${i}`,
        simulatedComputeMs: S,
        onEvent: (event) => log.push({ at: Date.now(), name: `bench-${i}`, event }),
      }),
    );
    const outcomes = await Promise.all(runs);
    const contributorsDone = Date.now();
    if (outcomes.some((o) => o.outcome !== 'done')) throw new Error(`contributors ended ${outcomes.map((o) => o.outcome).join(', ')}`);
    let status: RoundsStatusAnswer | undefined;
    for (;;) {
      status = await api.status();
      if (status.completedRounds >= 1) break;
      if (Date.now() - contributorsDone > 120_000) throw new Error('the round did not complete');
      await sleep(100);
    }
    const entry = status.history[0];
    if (entry === undefined) throw new Error('no history entry');
    const workflowId = roundWorkflowId(stack.cfg.ceremony.id, 1, entry.attempts - 1);
    const p = await roundProfile(stack.client, workflowId);

    // ---- figures ----
    const wall = entry.completedAt - p.startMs;
    const lastVerified = Math.max(...p.verifications.map((v) => v.completed));
    const contributionPhase = lastVerified - p.startMs;
    const verifyRun = p.verifications.map((v) => v.completed - v.started);
    const verifyQueue = p.verifications.map((v) => v.started - v.scheduled);
    const V = mean(verifyRun);
    const aggregation = p.aggregate === undefined ? 0 : p.aggregate.completed - p.aggregate.scheduled;
    const Seff = S + crypto;
    const idealRules = simulateRules(N, C, Seff, V, VERIFY_SLOTS);
    const strict = simulateStrictCyclic(N, C, Seff, V, VERIFY_SLOTS);
    const lower = C * Seff + V;
    // What-if: slot i starts at chunk floor(i C / N), buckets of C/N chunks apart (the Aleo coordinator's
    // initialize_tasks starts bucket i at i * floor(C / N)); round-state.ts starts slot i at chunk i.
    const spaced = simulateRules(N, C, Seff, V, VERIFY_SLOTS, (i) => Math.floor((i * C) / N));
    const ideal = idealRules + aggregation;

    console.log('');
    console.log('round 1');
    console.log(`  wall (round start → history completedAt)          ${sec(wall)}   (contributors started ${sec(p.startMs - t0)} after the first join)`);
    console.log(`    round start → last verification                 ${sec(contributionPhase)}`);
    console.log(`    last verification → aggregate done (A)          ${sec((p.aggregate?.completed ?? lastVerified) - lastVerified)}  (aggregateRound ${sec(aggregation)})`);
    console.log(`    aggregate done → round workflow closed          ${sec(p.closeMs - (p.aggregate?.completed ?? lastVerified))}  (receipts, records)`);
    console.log(`    round closed → ceremony completedAt              ${sec(entry.completedAt - p.closeMs)}`);
    console.log(`  ideal = rules simulation (S + c = ${f1(Seff)} ms, V = ${f1(V)} ms, K = ${VERIFY_SLOTS}) ${sec(idealRules)} + A ${sec(aggregation)} = ${sec(ideal)}`);
    console.log(`    for reference: strict cyclic ${sec(strict)}; the rules with slots starting C/N chunks apart ${sec(spaced)}; lower bound C(S + c) + V = ${sec(lower)}`);
    const best = Math.min(idealRules, strict, spaced) + aggregation;
    console.log(
      `  wall / ideal = ${(wall / ideal).toFixed(3)}  (target <= 1.3); wall / best simulated schedule = ${(wall / best).toFixed(3)}; contribution phase / rules simulation = ${(contributionPhase / idealRules).toFixed(3)}`,
    );

    // Where the time goes.
    console.log('');
    console.log('where the time goes');
    console.log(`  verifyChunk run (V)                     ${stats(verifyRun)}`);
    console.log(`  verifyChunk schedule → start (queue)    ${stats(verifyQueue)}`);
    const submitToVerified: number[] = [];
    for (const v of p.verifications) {
      // The submit that scheduled this verification: the latest one on the chunk at or before the schedule.
      const submit = p.submits.filter((s) => s.chunk === v.chunk && s.at <= v.scheduled).pop();
      if (submit !== undefined) submitToVerified.push(v.completed - submit.at);
    }
    console.log(`  submit accepted → verified (recorded)   ${stats(submitToVerified)}`);
    // Contribution k of a chunk verified → contribution k+1 handed out, when its taker was already
    // waiting for work (its previous answer was 'wait'): the cost of polling plus the update round trip.
    const handout: number[] = [];
    for (const v of p.verifications) {
      const next = p.tasks.find((t) => t.action === 'contribute' && t.chunk === v.chunk && t.at > v.completed);
      if (next === undefined) continue;
      const before = p.tasks.filter((t) => t.memberId === next.memberId && t.at < next.at).pop();
      if (before?.action === 'wait' && before.at < v.completed) handout.push(next.at - v.completed);
    }
    console.log(`  verified → next task on that chunk, taker waiting ${stats(handout)}`);
    const perClient: number[] = [];
    const gaps: number[] = [];
    for (let i = 0; i < N; i++) {
      const mine = log.filter((l) => l.name === `bench-${i}` && l.event.kind === 'contributed').map((l) => ({ end: l.at, ms: l.event.kind === 'contributed' ? l.event.ms : 0 }));
      for (const m of mine) perClient.push(m.ms - Seff);
      for (let k = 0; k + 1 < mine.length; k++) gaps.push((mine[k + 1] as { end: number; ms: number }).end - (mine[k + 1] as { end: number; ms: number }).ms - (mine[k] as { end: number }).end);
    }
    console.log(`  per chunk, client: task → upload answered, minus S + c (download, upload, submit update) ${stats(perClient)}`);
    console.log(`  per contributor: upload answered → next task's download starts ${stats(gaps)}`);
    const waits = p.tasks.filter((t) => t.action === 'wait').length;
    const contributes = p.tasks.filter((t) => t.action === 'contribute').length;
    console.log(`  takeTask answers: ${contributes} contribute, ${waits} wait; workflow tasks (scheduled → completed) ${stats(p.workflowTasks)}`);
    const kinds = Object.entries(p.kinds).sort((a, b) => b[1] - a[1]);
    console.log(
      `  round workflow history: ${p.events} events in ${sec(p.closeMs - p.startMs)} (${(p.events / ((p.closeMs - p.startMs) / 1000)).toFixed(1)} events/s): ${kinds.map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
    console.log(`  load average after the run ${load(os.loadavg())}`);
  } catch (err) {
    failure = err;
  } finally {
    await engine.close();
    await stack.stop();
  }
  if (failure !== undefined) {
    console.error('bench failed:', failure);
    process.exit(1);
  }
  process.exit(0);
}

await main();
