// Rounds-mode history benchmark (issue #14): what one round writes to its workflow history while its
// members compute, poll and heartbeat, and what many concurrent pollers cost. Prints figures; not a test.
//
//   npx tsx bench/rounds-history.ts [--contributors 5] [--chunks 5] [--compute-ms 40000] [--quiet-s 15]
//                                   [--pollers 50] [--burst-s 15] [--heartbeat-timeout-s 60] [--stack embedded|test]
//
// The stack is the one bench/rounds.ts uses (runtime/stack.ts by default: a Temporal dev server, both
// production workers and the production API in this process), in rounds mode with external
// verification. The members are the real clients: N contributors (client/rounds-contributor.ts, a
// simulated compute of S per chunk on top of the real cryptography of a tiny vector), one standby
// replacement (the same client, `replacement`) and one external verifier (client/verifier.ts). Every
// one of them heartbeats every 2 s; the replacement polls tasks/next every second and the verifier
// verification/next every 500 ms while there is nothing for them.
//
// 1. Quiet window (--quiet-s): once every contributor holds a chunk, nothing changes until the first
//    one finishes (S later). The round's history is counted at both ends of the window, with the API's
//    own request counters (api/metrics.ts, the same process) for the calls it answered meanwhile. The
//    contributors' liveness was refreshed by their claims just before the window, so a window of one
//    heartbeat timeout sees one or two heartbeat signals per member; the steady rates are printed for
//    the whole round at the end.
// 2. Burst (--burst-s), still before the first chunk is done: P pollers, spread over the members'
//    identities, call tasks/next (verification/next for the verifier) back to back, P calls in flight
//    at all times. The figures: calls answered, error answers by code, the round's history meanwhile.
// 3. The round runs to completion; then its whole history: events per round, per contribution and per
//    second, updates and signals by name.
import type { Client } from '@temporalio/client';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { apiMetrics } from '../api/metrics.js';
import { RoundsClient } from '../client/rounds-client.js';
import { runRoundsContributor, type RoundsContributorResult } from '../client/rounds-contributor.js';
import { runVerifier } from '../client/verifier.js';
import { createEngine } from '../engine/context.js';
import { roundsCeremonyWorkflowId } from '../workflows/rounds/index.js';
import { roundStatusQuery } from '../workflows/rounds/messages.js';
import { bounded, eventMs, startBenchStack, type HistoryEvent } from './support.js';

const { values: args } = parseArgs({
  options: {
    contributors: { type: 'string', default: '5' },
    chunks: { type: 'string', default: '5' },
    'compute-ms': { type: 'string', default: '40000' },
    'quiet-s': { type: 'string', default: '15' },
    pollers: { type: 'string', default: '50' },
    'burst-s': { type: 'string', default: '15' },
    'heartbeat-timeout-s': { type: 'string', default: '60' },
    g1: { type: 'string', default: '65' },
    g2: { type: 'string', default: '2' },
    stack: { type: 'string', default: 'embedded' },
    'log-level': { type: 'string', default: 'silent' },
  },
});

const N = bounded(args.contributors, 1, 20, 'contributors');
const C = bounded(args.chunks, 1, 64, 'chunks');
const S = bounded(args['compute-ms'], 1_000, 3_600_000, 'compute-ms');
const QUIET_MS = bounded(args['quiet-s'], 1, 3_600, 'quiet-s') * 1000;
const P = bounded(args.pollers, 1, 500, 'pollers');
const BURST_MS = bounded(args['burst-s'], 1, 3_600, 'burst-s') * 1000;
const G1 = bounded(args.g1, 2, 4096, 'g1');
const G2 = bounded(args.g2, 2, G1, 'g2');
if (C > G1 - 1) throw new Error('--chunks must be at most --g1 - 1');
if (args.stack !== 'embedded' && args.stack !== 'test') throw new Error('--stack is embedded or test');
// Both windows must fit in the first chunk's compute, with room for the contributors' first claims.
if (QUIET_MS + BURST_MS + 5_000 > S) throw new Error('--compute-ms must exceed --quiet-s + --burst-s by at least 5 s');

const HEARTBEAT_TIMEOUT_MS = bounded(args['heartbeat-timeout-s'], 10, 3_600, 'heartbeat-timeout-s') * 1000;
const SPARE = 'bench-spare';
const VERIFIER = 'bench-verifier';
/** The whole run gives up after this long. */
const OVERALL_TIMEOUT_MS = 30 * 60_000 + 2 * N * C * S;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '-');
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number);
}

const overrides = {
  auth: { rateLimits: { enabled: false } },
  ceremony: {
    id: 'bench-rounds-history',
    mode: 'rounds',
    rounds: {
      numG1Powers: G1,
      numG2Powers: G2,
      chunkCount: C,
      contributorsPerRound: N,
      roundFillWaitMs: 120_000,
      verification: 'external',
      verifierIdentities: [`dev|${VERIFIER}`],
      replacementIdentities: [`dev|${SPARE}`],
      heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
      slowTaskTimeoutMs: Math.max(600_000, 3 * S),
      maxRounds: 1,
    },
  },
};

/** One history event's kind: signals and updates by name, the rest by their attributes. */
function kindOf(e: HistoryEvent): string {
  if (e.workflowExecutionSignaledEventAttributes != null) return `signal ${e.workflowExecutionSignaledEventAttributes.signalName ?? '?'}`;
  const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
  if (accepted != null) return `update ${accepted.acceptedRequest?.input?.name ?? '?'} (accepted)`;
  if (e.workflowExecutionUpdateCompletedEventAttributes != null) return 'update completed';
  if (e.workflowTaskScheduledEventAttributes != null || e.workflowTaskStartedEventAttributes != null || e.workflowTaskCompletedEventAttributes != null) return 'workflow task';
  if (e.activityTaskScheduledEventAttributes != null || e.activityTaskStartedEventAttributes != null || e.activityTaskCompletedEventAttributes != null) return 'activity';
  if (e.timerStartedEventAttributes != null || e.timerFiredEventAttributes != null || e.timerCanceledEventAttributes != null) return 'timer';
  return (
    Object.entries(e)
      .find(([k, v]) => k.endsWith('EventAttributes') && v != null)?.[0]
      .replace(/EventAttributes$/, '') ?? 'other'
  );
}

function kinds(events: HistoryEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[kindOf(e)] = (out[kindOf(e)] ?? 0) + 1;
  return out;
}

const listKinds = (k: Record<string, number>): string =>
  Object.entries(k)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n}`)
    .join(', ') || 'none';

async function history(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/** Requests the API answered so far by route (`/rounds/heartbeat`: n), and error answers by code. */
async function apiCounts(): Promise<{ calls: Record<string, number>; errors: Record<string, number> }> {
  const calls: Record<string, number> = {};
  for (const v of (await apiMetrics().httpDuration.get()).values) {
    if (v.metricName?.endsWith('_count') !== true) continue;
    const route = String(v.labels['route'] ?? '?');
    calls[route] = (calls[route] ?? 0) + v.value;
  }
  const errors: Record<string, number> = {};
  for (const v of (await apiMetrics().errors.get()).values) errors[String(v.labels['code'] ?? '?')] = v.value;
  return { calls, errors };
}

function minus(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) !== 0) out[k] = v - (before[k] ?? 0);
  return out;
}

/** A window's figures: the round's new history events by kind, and the API calls answered meanwhile. */
async function window(client: Client, ids: { round: string; ceremony: string }, ms: number, during?: (until: number) => Promise<void>) {
  const round0 = (await history(client, ids.round)).length;
  const ceremony0 = (await history(client, ids.ceremony)).length;
  const api0 = await apiCounts();
  const t0 = Date.now();
  await (during === undefined ? sleep(ms) : during(t0 + ms));
  const elapsed = Date.now() - t0;
  const fresh = (await history(client, ids.round)).slice(round0);
  const ceremonyEvents = (await history(client, ids.ceremony)).length - ceremony0;
  const api1 = await apiCounts();
  return { elapsed, events: fresh.length, kinds: kinds(fresh), ceremonyEvents, calls: minus(api1.calls, api0.calls), errors: minus(api1.errors, api0.errors) };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const load = (): string =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  const loadBefore = load();
  const guard = setTimeout(() => {
    console.error(`bench: gave up after ${Math.round(OVERALL_TIMEOUT_MS / 60_000)} min`);
    process.exit(2);
  }, OVERALL_TIMEOUT_MS);
  guard.unref();
  const stackStart = performance.now();
  const stack = await startBenchStack(args.stack === 'test' ? 'test' : 'embedded', overrides, args['log-level'], 'rounds-history');
  const stackMs = performance.now() - stackStart;
  console.log(`rounds history benchmark, ${startedAt.toISOString()}`);
  console.log(`  machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; load average before the run ${loadBefore}`);
  console.log(`  command: npx tsx bench/rounds-history.ts ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(
    `  stack: ${args.stack === 'test' ? 'test/helpers/stack.ts' : 'runtime/stack.ts'} (started in ${sec(stackMs)}); ${N} contributors x ${C} chunks, 1 standby replacement, 1 external verifier; S = ${S} ms per chunk; heartbeat timeout ${HEARTBEAT_TIMEOUT_MS} ms`,
  );
  const engine = await createEngine({ threads: 0 });
  let stopMembers = (): void => undefined;
  const membersStopped = new Promise<void>((resolve) => (stopMembers = resolve));
  const others: Array<Promise<unknown>> = [];
  let failure: unknown;
  try {
    const api = new RoundsClient(stack.apiUrl);
    for (let i = 0; ; i++) {
      const s = await api.status().catch(() => undefined);
      if (s !== undefined && s.phase !== 'initialising') break;
      if (i > 600) throw new Error('the ceremony did not initialise');
      await sleep(100);
    }
    others.push(runRoundsContributor({ url: stack.apiUrl, engine, name: SPARE, replacement: true, stop: membersStopped }));
    others.push(runVerifier({ url: stack.apiUrl, engine, name: VERIFIER, stop: membersStopped }));
    const names = Array.from({ length: N }, (_, i) => `bench-${i}`);
    const runs: Array<Promise<RoundsContributorResult>> = names.map((name) => runRoundsContributor({ url: stack.apiUrl, engine, name, simulatedComputeMs: S }));

    // Every contributor holds a chunk (or, with fewer chunks than contributors, every chunk is held).
    let roundId = '';
    const holding = Math.min(N, C);
    for (const t = Date.now(); ; ) {
      const s = await api.status();
      if (s.current !== null) {
        roundId = s.current.workflowId;
        const round = await stack.client.workflow.getHandle(roundId).query(roundStatusQuery);
        if (round.chunks.filter((c) => c.lockedBySlot !== undefined).length === holding) break;
      }
      if (Date.now() - t > 180_000) throw new Error('the contributors did not all take a chunk');
      await sleep(50);
    }
    const heldAt = Date.now();

    const ids = { round: roundId, ceremony: roundsCeremonyWorkflowId(stack.cfg.ceremony.id) };
    const quiet = await window(stack.client, ids, QUIET_MS);

    // The burst: P pollers over the members' identities, each calling again as soon as it is answered.
    const identities = [...names, SPARE, VERIFIER];
    const pollers = await Promise.all(
      Array.from({ length: P }, async (_, i) => {
        const name = identities[i % identities.length] as string;
        const client = new RoundsClient(stack.apiUrl);
        await client.loginDev(name);
        return { name, client };
      }),
    );
    const latencies: number[] = [];
    let thrown = 0;
    const burst = await window(stack.client, ids, BURST_MS, async (until) => {
      await Promise.all(
        pollers.map(async ({ name, client }) => {
          while (Date.now() < until) {
            const t = performance.now();
            try {
              await (name === VERIFIER ? client.nextVerification() : client.nextTask());
              latencies.push(performance.now() - t);
            } catch {
              thrown += 1;
            }
          }
        }),
      );
    });
    const windowsEnd = Date.now();

    const outcomes = await Promise.all(runs);
    if (outcomes.some((o) => o.outcome !== 'done')) throw new Error(`contributors ended ${outcomes.map((o) => o.outcome).join(', ')}`);
    stopMembers();
    await Promise.all(others);

    const events = await history(stack.client, roundId);
    const first = events[0];
    const startMs = first === undefined ? NaN : eventMs(first);
    const closeMs = eventMs(events[events.length - 1] as HistoryEvent);
    const continued = first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    const all = kinds(events);
    const submits = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'submitChunk');
    const firstSubmit = submits[0] === undefined ? NaN : eventMs(submits[0]);
    const updates = Object.entries(all)
      .filter(([k]) => k.startsWith('update ') && k.endsWith('(accepted)'))
      .reduce((n, [, v]) => n + v, 0);
    const signals = Object.entries(all)
      .filter(([k]) => k.startsWith('signal '))
      .reduce((n, [, v]) => n + v, 0);
    const perMin = (n: number, ms: number): number => (n * 60_000) / ms;
    const members = N + 2;

    console.log('');
    if (!(firstSubmit > windowsEnd)) console.log(`  WARNING: a chunk was submitted before the windows ended (${sec(firstSubmit - heldAt)} after every chunk was held): they were not quiet`);
    console.log(`quiet window: every contributor computing, the replacement and the verifier polling, everyone heartbeating (${sec(quiet.elapsed)})`);
    console.log(`  API calls answered: ${listKinds(quiet.calls)}`);
    console.log(`  round history: ${quiet.events} events (${listKinds(quiet.kinds)})`);
    console.log(
      `    = ${f1(perMin(quiet.events, quiet.elapsed))} events/min, ${f1(perMin(quiet.events, quiet.elapsed) / members)} per member per minute (${members} members), ${f1(perMin(quiet.events, quiet.elapsed) / N)} per contributor per minute`,
    );
    console.log(`  ceremony history: ${quiet.ceremonyEvents} events`);
    console.log('');
    console.log(`burst: ${P} pollers back to back over ${identities.length} identities (${sec(burst.elapsed)})`);
    console.log(
      `  calls answered ${latencies.length} (${f1(latencies.length / (burst.elapsed / 1000))}/s), failed ${thrown}; latency p50 ${f1(quantile(latencies, 0.5))} p99 ${f1(quantile(latencies, 0.99))} max ${f1(quantile(latencies, 1))} ms`,
    );
    console.log(`  error answers by code: ${listKinds(burst.errors)}`);
    console.log(`  round history: ${burst.events} events (${listKinds(burst.kinds)})`);
    console.log(`  ceremony history: ${burst.ceremonyEvents} events`);
    console.log('');
    console.log(`the whole round${continued ? ' (its last run only: it continued as new)' : ''}: ${N * C} contributions, ${sec(closeMs - startMs)}`);
    console.log(`  ${events.length} events = ${f1(events.length / (N * C))} per contribution, ${f1(events.length / ((closeMs - startMs) / 1000))} events/s`);
    console.log(`  updates ${updates} (of Temporal's 2 000 per run), signals ${signals}`);
    const minutes = (closeMs - startMs) / 60_000;
    const heartbeats = all['signal heartbeat'] ?? 0;
    const sweeps = events.filter((e) => e.timerFiredEventAttributes != null).length;
    console.log(`  steady rates over the round: ${f1(heartbeats / members / minutes)} heartbeat signals per member per minute; ${f1(sweeps / minutes)} sweep timers fired per minute`);
    console.log(`  by kind: ${listKinds(all)}`);
    console.log(`  load average after the run ${load()}`);
  } catch (err) {
    failure = err;
  } finally {
    stopMembers();
    await Promise.allSettled(others);
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
