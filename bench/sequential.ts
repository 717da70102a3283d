// Sequential-ceremony benchmark on the embedded stack (runtime/stack.ts: a Temporal dev server on a
// SQLite file, both production workers and the API in this process; temp data dir, free ports,
// loopback only). The simulated participants run in a forked child process so their HTTP and JSON
// work does not share the API's event loop. Prints figures; not a test.
//
//   npx tsx bench/sequential.ts [--turns 30] [--participants 1000] [--concurrency 20] [--window-s 60]
//                               [--checkin-min-ms 2000] [--checkin-max-ms 4000] [--poll-ms 100] [--probe-ms 1000]
//                               [--pacing deadlines|stress] [--abusers 0] [--abuse-ms 1000]
//                               [--round-trip-ms MS] (default: the configuration's initialRoundTripMs)
//                               [--stack embedded|test] [--cpu-profile] [--log-level silent]
//
// The seed's schedule with 10 000 waiters and 1 000 of them checking in every second (#14):
//   npx tsx bench/sequential.ts --turns 0 --participants 10000 --abusers 1000 --round-trip-ms 120000 --window-s 120
// The abusers are spread evenly through the queue (every tenth there), so honest participants near the
// head, whose intervals are short, are timed in the window too.
//
// --stack test uses test/helpers/stack.ts (the dev server keeps its database in memory) instead.
// Bounded: at most --turns x 2 turns, --participants lobby members, a --window-s window, 60 min in all.
// With --turns 0 no turn is measured, so the average round trip stays --round-trip-ms (a turn of
// 60-180 s of compute on the seed's schedule) and the lobby's check-ins follow what it implies.
//
// 1. Coordinator overhead per turn: from the moment contribution/complete answers `accepted` for
//    participant k to the moment contribution/start succeeds for participant k+1, who waits at the
//    head. Measured twice: (a) k+1 polls check-in every --poll-ms (what a client does); (b) k+1
//    checks in back to back from the moment k is accepted, which measures the server-side part
//    (accepted → first check-in that says ready → start) to within one check-in round trip.
//    Verification happens before `accepted` and is not included. Target p99 <= 500 ms. The hand-off
//    is also read back from the workflow histories (event times of each step inside Temporal).
// 2. Check-in latency with --participants in the lobby while someone computes: all log in and
//    enter (--concurrency at a time), then each checks in as a real client does, 50-90 % of the way
//    to each deadline it is given (--pacing deadlines, the default: the seed's schedule decides the
//    load), or at a random interval in [--checkin-min-ms, --checkin-max-ms] whatever its deadline
//    (--pacing stress: an overload test); every /lobby/checkin sent during --window-s seconds is
//    timed. Target p99 <= 100 ms (the seed allows 1 s), and no honest participant removed.
//    --abusers of them instead check in every --abuse-ms whatever their deadline; their check-ins are
//    timed apart, and the participant workflows' history is counted before and after the window (an
//    early check-in writes none).
//    Meanwhile this process probes the parts of a check-in: HTTP alone (/healthz), with a token
//    (/auth/session), the snapshot query, the check-in update sent straight to Temporal, the
//    participant and lineup queries a check-in without a token is answered from (one round every
//    --probe-ms), its
//    own event-loop delay, and the CPU time of each process (and of this one's threads). Peak RSS at
//    the end.
import { fork, type ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiError } from '../client/http.js';
import { ParticipantClient, type CheckinAnswer } from '../client/participant-client.js';
import { createEngine } from '../engine/context.js';
import { parseBatchContribution } from '../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../engine/format/serialize.js';
import { contribute } from '../engine/ops/contribute.js';
import { SequentialGateway } from '../api/sequential/gateway.js';
import { participantIdOf, participantWorkflowId } from '../api/sequential/settings.js';
import { ceremonyWorkflowId } from '../workflows/sequential/index.js';
import { checkinUpdate, lineupQuery, participantQuery } from '../workflows/sequential/messages.js';
import type { SequentialSettings } from '../workflows/sequential/types.js';
import { bounded, eventMs, startBenchStack } from './support.js';

const { values: args } = parseArgs({
  options: {
    turns: { type: 'string', default: '30' },
    participants: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '20' },
    'window-s': { type: 'string', default: '60' },
    'checkin-min-ms': { type: 'string', default: '2000' },
    'checkin-max-ms': { type: 'string', default: '4000' },
    'poll-ms': { type: 'string', default: '100' },
    'probe-ms': { type: 'string', default: '1000' },
    pacing: { type: 'string', default: 'deadlines' },
    abusers: { type: 'string', default: '0' },
    'abuse-ms': { type: 'string', default: '1000' },
    'round-trip-ms': { type: 'string' },
    'log-level': { type: 'string', default: 'silent' },
    'cpu-profile': { type: 'boolean', default: false },
    stack: { type: 'string', default: 'embedded' },
    'load-generator': { type: 'boolean', default: false },
  },
});

interface Options {
  turns: number;
  participants: number;
  concurrency: number;
  windowMs: number;
  checkinMinMs: number;
  checkinMaxMs: number;
  pollMs: number;
  /** Pause between two rounds of probes in the check-in window. */
  probeMs: number;
  /** stress: every 2–4 s whatever the deadline; deadlines: as a real client, part-way to each deadline given. */
  pacing: 'stress' | 'deadlines';
  /** How many of the participants check in every abuseMs, far ahead of their deadlines. */
  abusers: number;
  abuseMs: number;
}

const options: Options = {
  turns: bounded(args.turns, 0, 500, 'turns'),
  participants: bounded(args.participants, 1, 12_000, 'participants'),
  concurrency: bounded(args.concurrency, 1, 200, 'concurrency'),
  windowMs: bounded(args['window-s'], 1, 600, 'window-s') * 1000,
  checkinMinMs: bounded(args['checkin-min-ms'], 50, 60_000, 'checkin-min-ms'),
  checkinMaxMs: bounded(args['checkin-max-ms'], 50, 60_000, 'checkin-max-ms'),
  pollMs: bounded(args['poll-ms'], 10, 5_000, 'poll-ms'),
  probeMs: bounded(args['probe-ms'], 50, 10_000, 'probe-ms'),
  pacing: args.pacing === 'deadlines' ? 'deadlines' : 'stress',
  abusers: bounded(args.abusers, 0, 12_000, 'abusers'),
  abuseMs: bounded(args['abuse-ms'], 100, 60_000, 'abuse-ms'),
};
if (options.abusers > options.participants) throw new Error('--abusers must be at most --participants');
if (args.pacing !== 'stress' && args.pacing !== 'deadlines') throw new Error('--pacing is stress or deadlines');
if (options.checkinMaxMs < options.checkinMinMs) throw new Error('--checkin-max-ms must be >= --checkin-min-ms');
if (args.stack !== 'embedded' && args.stack !== 'test') throw new Error('--stack is embedded or test');

/** The whole run gives up after this long. */
const OVERALL_TIMEOUT_MS = 60 * 60_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- statistics ----

interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => (sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number));
  const mean = sorted.length === 0 ? NaN : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.length === 0 ? NaN : (sorted[sorted.length - 1] as number), mean };
}

const ms = (v: number): string => (Number.isNaN(v) ? '-' : `${v.toFixed(1)} ms`);

function row(label: string, s: Summary): string {
  return `  ${label.padEnd(46)} n=${String(s.count).padStart(6)}  p50 ${ms(s.p50).padStart(10)}  p95 ${ms(s.p95).padStart(10)}  p99 ${ms(s.p99).padStart(10)}  max ${ms(s.max).padStart(10)}`;
}

// ---- messages between the two processes ----

interface TurnSample {
  /** accepted (client) → start succeeded */
  totalMs: number;
  /** accepted → the first check-in answer that said ready */
  readyMs: number;
  /** the start call */
  startMs: number;
  /** check-ins sent after accepted until ready (tight mode) */
  polls: number;
  /** complete call (upload + verification), for context */
  completeMs: number;
}

interface LoadResult {
  kind: 'result';
  loginMs: number[];
  enterMs: number[];
  enterWallMs: number;
  checkinMs: number[];
  checkinErrors: Record<string, number>;
  /** check-ins of the abusers in the window */
  abuseMs: number[];
  abuseErrors: Record<string, number>;
  /** honest participants removed (DEADLINE_MISSED or NOT_IN_QUEUE) at any time */
  wrongfulRemovals: number;
  /** the first message seen per error code (login, enter, check-in) */
  errorSamples: Record<string, string>;
  /** check-ins before the window (while the lobby fills) */
  checkinBeforeMs: number[];
  /** login and enter failures (each attempt), by code */
  enterErrors: Record<string, number>;
  entered: number;
  windowMs: number;
  removedBeforeWindow: number;
  clientMaxRssKb: number;
}

interface TurnsResult {
  kind: 'turns';
  polled: TurnSample[];
  tight: TurnSample[];
}

/** Child → main. After `turns` the child waits for `continue` (main reads the workflow histories meanwhile). */
type ChildMessage = LoadResult | TurnsResult | { kind: 'window'; open: boolean } | { kind: 'progress'; text: string } | { kind: 'failed'; error: string };
/** Main → child. */
type MainMessage = { kind: 'start'; url: string; options: Options } | { kind: 'continue' };

const elapsed = (() => {
  const t0 = performance.now();
  return (): string => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
})();

function nextMessage(kind: MainMessage['kind']): Promise<MainMessage> {
  return new Promise((resolve) => {
    const on = (raw: unknown): void => {
      const m = raw as MainMessage;
      if (m.kind !== kind) return;
      process.off('message', on);
      resolve(m);
    };
    process.on('message', on);
  });
}

const errorCode = (err: unknown): string => (err instanceof ApiError ? err.code : err instanceof Error ? err.name : String(err));
const errorSamples: Record<string, string> = {};

/** Retries what a real client would retry (429, 5xx, timeouts), counting every failure by code. */
async function withRetry<T>(call: () => Promise<T>, errors: Record<string, number>, attempts = 5): Promise<T | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      const code = errorCode(err);
      errors[code] = (errors[code] ?? 0) + 1;
      errorSamples[code] ??= err instanceof Error ? err.message : String(err);
      const retriable = !(err instanceof ApiError) || err.status === 429 || err.status >= 500;
      if (!retriable || attempt >= attempts) return undefined;
      await sleep(1_000 * attempt);
    }
  }
}

/** The dev-login name of lobby member i. */
const lobbyName = (i: number): string => `lobby-${String(i).padStart(5, '0')}`;
/**
 * Whether lobby member i abuses: --abusers of the --participants, spread evenly through the queue (every
 * tenth for 1 000 of 10 000), so that honest participants also sit near the head, where the schedule asks
 * for check-ins often enough to be timed in the window.
 */
const isAbuser = (i: number, opts: Pick<Options, 'abusers' | 'participants'>): boolean => Math.floor(((i + 1) * opts.abusers) / opts.participants) > Math.floor((i * opts.abusers) / opts.participants);

// ---- the load generator (child process) ----

async function loadGenerator(url: string, opts: Options): Promise<LoadResult> {
  const send = (m: ChildMessage): void => {
    process.send?.(m);
  };
  const engine = await createEngine({ threads: 0 });
  try {
    const polled: TurnSample[] = [];
    const tight: TurnSample[] = [];
    let serial = 0;
    const login = async (prefix: string): Promise<ParticipantClient> => {
      const c = new ParticipantClient(url);
      serial += 1;
      await c.loginDev(`${prefix}-${serial}`);
      return c;
    };

    // Phase 1: a chain of turns. `current` has started; `next` waits at the head.
    let current = await login('turn');
    let answer = await current.enter();
    while (answer.status !== 'ready') {
      await sleep(opts.pollMs);
      answer = await current.checkin();
    }
    let powers = (await current.start()).powers;
    for (const mode of ['polled', 'tight'] as const) {
      const out = mode === 'polled' ? polled : tight;
      for (let k = 0; k < opts.turns; k += 1) {
        const next = await login('turn');
        await next.enter();
        // While `current` computes, `next` keeps its head-of-queue deadline (polled mode: at pollMs).
        let ready: { at: number; polls: number } | undefined;
        let stopKeepAlive = false;
        const keepAlive = (async () => {
          while (!stopKeepAlive && ready === undefined) {
            const sent = performance.now();
            const a = await next.checkin();
            if (a.status === 'ready' && mode === 'polled') {
              ready = { at: performance.now(), polls: 0 };
              return;
            }
            // Polled mode: a fixed rate. Tight mode: every 2 s until told to stop (checked every 50 ms).
            const until = sent + (mode === 'polled' ? opts.pollMs : 2_000);
            while (!stopKeepAlive && performance.now() < until) await sleep(Math.min(50, until - performance.now()));
          }
        })();
        const contribution = serializeBatchContribution(await contribute(engine, parseBatchContribution(powers)));
        const completeSent = performance.now();
        const done = await current.complete(contribution);
        const accepted = performance.now();
        if (done.outcome !== 'accepted') throw new Error(`turn ${k}: ${String(done.outcome)}`);
        if (mode === 'tight') {
          stopKeepAlive = true;
          await keepAlive;
          let polls = 0;
          for (;;) {
            polls += 1;
            const a: CheckinAnswer = await next.checkin();
            if (a.status === 'ready') {
              ready = { at: performance.now(), polls };
              break;
            }
          }
        } else {
          await keepAlive;
        }
        if (ready === undefined) throw new Error('no ready answer');
        const startSent = performance.now();
        powers = (await next.start()).powers;
        const startedAt = performance.now();
        out.push({
          totalMs: startedAt - accepted,
          readyMs: Math.max(0, ready.at - accepted),
          startMs: startedAt - startSent,
          polls: ready.polls,
          completeMs: accepted - completeSent,
        });
        current = next;
      }
      send({ kind: 'progress', text: `${elapsed()}: turns (${mode}): ${out.length} done` });
    }
    send({ kind: 'turns', polled, tight });
    await nextMessage('continue');
    // `current` now holds a started turn and keeps it (computeDeadlineMs is long) while the lobby fills.

    // Phase 2: the lobby.
    const clients: ParticipantClient[] = [];
    const loginMs: number[] = [];
    const enterMs: number[] = [];
    const checkinMs: number[] = [];
    const checkinErrors: Record<string, number> = {};
    const checkinBeforeMs: number[] = [];
    const abuseMs: number[] = [];
    const abuseErrors: Record<string, number> = {};
    let wrongfulRemovals = 0;
    let windowOpen = false;
    let windowStart = 0;
    let windowEnd = Number.POSITIVE_INFINITY;
    let stop = false;
    let removedBeforeWindow = 0;
    const loops: Array<Promise<void>> = [];
    const enterErrors: Record<string, number> = {};
    /** When the next check-in goes: 2–4 s on (stress), or 50–90 % of the way to the deadline given (deadlines). */
    const pause = (answer: CheckinAnswer, abuser: boolean): number =>
      abuser
        ? opts.abuseMs
        : opts.pacing === 'stress'
          ? opts.checkinMinMs + Math.random() * (opts.checkinMaxMs - opts.checkinMinMs)
          : Math.max(0, (answer.nextDeadlineMs - Date.now()) * (0.5 + 0.4 * Math.random()));
    const checkinLoop = async (c: ParticipantClient, first: CheckinAnswer, abuser: boolean): Promise<void> => {
      let answer = first;
      while (!stop) {
        // In slices, so that a long pause does not outlast the run.
        const until = Date.now() + pause(answer, abuser);
        while (!stop && Date.now() < until) await sleep(Math.min(1_000, until - Date.now()));
        if (stop) return;
        const sent = performance.now();
        const inWindow = windowOpen && sent >= windowStart && sent < windowEnd;
        try {
          answer = await c.checkin();
          if (inWindow) (abuser ? abuseMs : checkinMs).push(performance.now() - sent);
          else if (!windowOpen) checkinBeforeMs.push(performance.now() - sent);
        } catch (err) {
          const code = errorCode(err);
          if (inWindow) {
            const into = abuser ? abuseErrors : checkinErrors;
            into[code] = (into[code] ?? 0) + 1;
          }
          errorSamples[code] ??= err instanceof Error ? err.message : String(err);
          if (code === 'DEADLINE_MISSED' || code === 'NOT_IN_QUEUE') {
            if (!windowOpen) removedBeforeWindow += 1;
            if (!abuser) wrongfulRemovals += 1;
            return;
          }
        }
      }
    };
    const enterWallStart = performance.now();
    let nextIndex = 0;
    const enterWorker = async (): Promise<void> => {
      while (nextIndex < opts.participants) {
        const i = nextIndex;
        nextIndex += 1;
        const c = new ParticipantClient(url);
        let t = performance.now();
        const loggedIn = await withRetry(() => c.loginDev(lobbyName(i)), enterErrors);
        if (loggedIn === undefined) continue;
        loginMs.push(performance.now() - t);
        t = performance.now();
        const entered = await withRetry(() => c.enter(), enterErrors);
        if (entered === undefined) continue;
        enterMs.push(performance.now() - t);
        clients.push(c);
        loops.push(checkinLoop(c, entered, isAbuser(i, opts)));
        if (clients.length % 100 === 0) send({ kind: 'progress', text: `${elapsed()}: lobby: ${clients.length} entered` });
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, () => enterWorker()));
    const enterWallMs = performance.now() - enterWallStart;
    send({ kind: 'progress', text: `${elapsed()}: lobby: ${clients.length} entered in ${(enterWallMs / 1000).toFixed(1)} s; timing check-ins for ${opts.windowMs / 1000} s` });
    // Let the schedule settle for one full interval, then time a window.
    await sleep(opts.pacing === 'stress' ? opts.checkinMaxMs : 5_000);
    windowStart = performance.now();
    windowEnd = windowStart + opts.windowMs;
    windowOpen = true;
    send({ kind: 'window', open: true });
    await sleep(opts.windowMs);
    send({ kind: 'window', open: false });
    stop = true;
    await Promise.all(loops);
    await current.abort().catch(() => undefined);
    return {
      kind: 'result',
      loginMs,
      enterMs,
      enterWallMs,
      checkinMs,
      checkinErrors,
      abuseMs,
      abuseErrors,
      wrongfulRemovals,
      errorSamples,
      checkinBeforeMs,
      enterErrors,
      entered: clients.length,
      windowMs: opts.windowMs,
      removedBeforeWindow,
      clientMaxRssKb: process.resourceUsage().maxRSS,
    };
  } finally {
    await engine.close();
  }
}

// ---- the stack and the probes (main process) ----

/** Direct children of this process named `temporal` (the dev server). */
async function temporalPid(): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && comm.startsWith('temporal')) return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}

async function procStatus(pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match === null ? NaN : Number(match[1]);
}

/** CPU seconds per thread group of a process: its main thread, and the other threads by name. */
async function threadCpu(pid: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    try {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = Number(tid) === pid ? 'main JS thread (API, gRPC client, worker main)' : `threads "${comm}"`;
      out.set(key, (out.get(key) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // gone
    }
  }
  return out;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** Self time of a V8 CPU profile by where the code lives (package, node internals, this repo's files). */
function profileByOrigin(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const url = frame?.url ?? '';
    let origin: string;
    const name = frame?.functionName ?? '';
    if (url === '') origin = name === '' ? '(native)' : name.startsWith('(') ? name : `(${name})`;
    else if (url.includes('/node_modules/')) {
      const rest = url.slice(url.lastIndexOf('/node_modules/') + '/node_modules/'.length).split('/');
      origin = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
    } else if (url.startsWith('node:')) origin = 'node: internals';
    else origin = url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
    totals.set(origin, (totals.get(origin) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/** CPU seconds (user + system) a process has used; NaN once it has exited. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return Number.NaN;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Probes {
  healthz: number[];
  session: number[];
  snapshot: number[];
  update: number[];
  queries: number[];
  abuserHistoryBefore: number;
  abuserHistoryAfter: number;
  honestHistoryBefore: number;
  honestHistoryAfter: number;
  failures: number;
  /** CPU % of one core per thread group of this process during the window. */
  threads: Array<[string, number]>;
  /** Self time (ms) by origin on the main JS thread during the window, with --cpu-profile. */
  profile: Array<[string, number]>;
  profileTotalMs: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  apiCpuPct: number;
  temporalCpuPct: number;
  clientCpuPct: number;
  /** Load average at the end of the window (includes this benchmark). */
  loadDuring: number[];
}

async function runProbes(
  apiUrl: string,
  probe: ParticipantClient,
  gateway: SequentialGateway,
  client: Client,
  probeWorkflowId: string,
  child: ChildProcess,
  window: () => 'before' | 'open' | 'closed',
): Promise<Probes> {
  // The probe participant enters with the others and keeps its place with direct check-ins until the window.
  const entered = await withRetry(() => probe.enter(), {});
  while (window() === 'before') {
    if (entered !== undefined) await probeUpdate(client, probeWorkflowId).catch(() => undefined);
    await sleep(2_000);
  }
  const tpid = await temporalPid();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = { api: process.cpuUsage(), temporal: tpid === undefined ? NaN : await cpuSeconds(tpid), client: child.pid === undefined ? NaN : await cpuSeconds(child.pid) };
  const threads0 = await threadCpu(process.pid);
  const inspector = args['cpu-profile'] ? new Session() : undefined;
  if (inspector !== undefined) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  const wall0 = performance.now();
  const historyBefore = await lobbyHistory(client, gateway.settings, true).catch(() => NaN);
  const honestBefore = await lobbyHistory(client, gateway.settings, false).catch(() => NaN);
  const out: Probes = {
    healthz: [],
    session: [],
    snapshot: [],
    update: [],
    queries: [],
    abuserHistoryBefore: NaN,
    abuserHistoryAfter: NaN,
    honestHistoryBefore: NaN,
    honestHistoryAfter: NaN,
    failures: 0,
    threads: [],
    profile: [],
    profileTotalMs: 0,
    eventLoopP99Ms: NaN,
    eventLoopMaxMs: NaN,
    apiCpuPct: NaN,
    temporalCpuPct: NaN,
    clientCpuPct: NaN,
    loadDuring: [],
  };
  const timed = async (into: number[], call: () => Promise<unknown>): Promise<void> => {
    const t = performance.now();
    try {
      await call();
      into.push(performance.now() - t);
    } catch {
      out.failures += 1;
    }
  };
  while (window() === 'open') {
    await timed(out.healthz, () => fetch(`${apiUrl}/healthz`).then((r) => r.arrayBuffer()));
    await timed(out.session, () => fetch(`${apiUrl}/auth/session`, { headers: { authorization: `Bearer ${probe.token ?? ''}` } }).then((r) => r.arrayBuffer()));
    await timed(out.snapshot, () => gateway.snapshot(0));
    if (entered !== undefined) await timed(out.update, () => probeUpdate(client, probeWorkflowId));
    await timed(out.queries, () => probeQueries(client, gateway.settings, participantIdOf('dev|probe')));
    await sleep(options.probeMs);
  }
  const wall = (performance.now() - wall0) / 1000;
  out.abuserHistoryBefore = historyBefore;
  out.abuserHistoryAfter = await lobbyHistory(client, gateway.settings, true).catch(() => NaN);
  out.honestHistoryBefore = honestBefore;
  out.honestHistoryAfter = await lobbyHistory(client, gateway.settings, false).catch(() => NaN);
  if (inspector !== undefined) {
    const { profile } = (await inspector.post('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] } };
    inspector.disconnect();
    out.profile = profileByOrigin(profile);
    out.profileTotalMs = out.profile.reduce((a, [, v]) => a + v, 0);
  }
  const threads1 = await threadCpu(process.pid);
  out.threads = [...threads1.entries()].map(([k, v]): [string, number] => [k, ((v - (threads0.get(k) ?? 0)) / wall) * 100]).sort((a, b) => b[1] - a[1]);
  out.loadDuring = os.loadavg();
  const apiCpu = process.cpuUsage(cpu0.api);
  out.apiCpuPct = ((apiCpu.user + apiCpu.system) / 1e6 / wall) * 100;
  if (tpid !== undefined) out.temporalCpuPct = (((await cpuSeconds(tpid)) - cpu0.temporal) / wall) * 100;
  if (child.pid !== undefined) out.clientCpuPct = (((await cpuSeconds(child.pid)) - cpu0.client) / wall) * 100;
  loop.disable();
  out.eventLoopP99Ms = loop.percentile(99) / 1e6;
  out.eventLoopMaxMs = loop.max / 1e6;
  return out;
}

/**
 * What a check-in without a valid token costs the coordinator: the participant's query, and the
 * ceremony's lineup query (shared: each API replica reads it at most every 250 ms for all check-ins).
 */
async function probeQueries(client: Client, settings: SequentialSettings, participantId: string): Promise<void> {
  await Promise.all([
    client.workflow.getHandle(participantWorkflowId(settings.ceremonyId, participantId)).query(participantQuery),
    client.workflow.getHandle(ceremonyWorkflowId(settings.ceremonyId)).query(lineupQuery),
  ]);
}

/**
 * History events of the participant workflows of the first (at most 50) abusers, or of the honest
 * participant just ahead of each of them in the queue (the same place, give or take one), all together.
 */
async function lobbyHistory(client: Client, settings: SequentialSettings, abusers: boolean): Promise<number> {
  const wanted = Math.min(50, options.abusers);
  let events = 0;
  for (let i = 0, counted = 0; i < options.participants && counted < wanted; i += 1) {
    if (!isAbuser(i, options)) continue;
    const member = abusers ? i : i - 1;
    if (member < 0 || (!abusers && isAbuser(member, options))) continue;
    counted += 1;
    const workflowId = participantWorkflowId(settings.ceremonyId, participantIdOf(`dev|${lobbyName(member)}`));
    events += ((await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).length;
  }
  return events;
}

async function probeUpdate(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).executeUpdate(checkinUpdate, { args: [{ place: { position: 1000, waitersAhead: 1000, averageRoundTripMs: 1000 }, first: false }] });
}

/** Settings both stacks share: small sizes, generous rate limits, a compute deadline that outlasts the lobby phase. */
const overrides = {
  auth: {
    dev: { enabled: true },
    // Every simulated participant comes from 127.0.0.1: generous limits, still enforced (their cost is measured).
    rateLimits: {
      login: { limit: 1_000_000, windowSeconds: 60 },
      unauthenticated: { limit: 1_000_000, windowSeconds: 60 },
      authenticated: { limit: 10_000_000, windowSeconds: 60 },
      // One address for every simulated participant: far above what 20 concurrent enters need.
      inFlightPerAddress: 10_000,
    },
  },
  ceremony: {
    id: 'bench',
    sizes: [{ numG1Powers: 16, numG2Powers: 4 }],
    // The participant who holds the turn during the lobby phase must not time out.
    sequential: {
      computeDeadlineMs: 60 * 60_000,
      // The configuration's default unless given.
      ...(args['round-trip-ms'] === undefined ? {} : { initialRoundTripMs: bounded(args['round-trip-ms'], 100, 3_600_000, 'round-trip-ms') }),
    },
  },
};

/**
 * embedded: runtime/stack.ts, what `ceremony start` runs (the dev server persists to a SQLite file).
 * test: test/helpers/stack.ts (the dev server keeps its SQLite database in memory).
 */

// ---- the hand-off chain, read back from the workflow histories ----

interface Handoff {
  /** turn k: the complete update's result recorded → the turn workflow closed */
  turnClose: number;
  /** turn k closed → the ceremony has the child's completion in its history */
  childCompletedSeen: number;
  /** → the ceremony's workflow task started turn k+1 and signalled its participant (one task: SignalExternalWorkflowExecutionInitiated) */
  ceremonyTask: number;
  /** → the participant workflow received `called` (from then on its check-in says ready) */
  participantSignaled: number;
  /** in parallel: StartChildWorkflowExecutionInitiated → the server started turn k+1 (ChildWorkflowExecutionStarted) */
  childStarted: number;
  /** the complete update's result recorded → the participant received `called` */
  total: number;
}

/** Where the time goes between `accepted` for turn k and `ready` for turn k+1, from event times. */
async function handoffProfile(client: Client, ceremonyWorkflowId: string): Promise<Handoff[]> {
  const events = (await client.workflow.getHandle(ceremonyWorkflowId).fetchHistory()).events ?? [];
  const startInitiated = new Map<string, number>();
  const started = new Map<string, number>();
  const completedSeen = new Map<string, number>();
  const order: string[] = [];
  const calledAfter: Array<{ at: number; participantWorkflowId: string }> = [];
  for (const e of events) {
    const sci = e.startChildWorkflowExecutionInitiatedEventAttributes;
    if (sci?.workflowId) {
      startInitiated.set(sci.workflowId, eventMs(e));
      order.push(sci.workflowId);
    }
    const cs = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (cs) started.set(cs, eventMs(e));
    const cc = e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId;
    if (cc) completedSeen.set(cc, eventMs(e));
    const sig = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
    if (sig?.signalName === 'called' && sig.workflowExecution?.workflowId) calledAfter.push({ at: eventMs(e), participantWorkflowId: sig.workflowExecution.workflowId });
  }
  const out: Handoff[] = [];
  for (let i = 1; i < order.length; i += 1) {
    const prev = order[i - 1] as string;
    const next = order[i] as string;
    const called = calledAfter[i];
    if (called === undefined || !completedSeen.has(prev)) continue;
    const turnEvents = (await client.workflow.getHandle(prev).fetchHistory()).events ?? [];
    const updateDone = turnEvents
      .filter((e) => e.workflowExecutionUpdateCompletedEventAttributes != null)
      .map(eventMs)
      .pop();
    const closed = turnEvents
      .filter((e) => e.workflowExecutionCompletedEventAttributes != null)
      .map(eventMs)
      .pop();
    if (updateDone === undefined || closed === undefined) continue; // not a completed contribution
    const participantEvents = (await client.workflow.getHandle(called.participantWorkflowId).fetchHistory()).events ?? [];
    const signaled = participantEvents
      .filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'called')
      .map(eventMs)
      .pop();
    if (signaled === undefined) continue;
    const seen = completedSeen.get(prev) as number;
    out.push({
      turnClose: closed - updateDone,
      childCompletedSeen: seen - closed,
      ceremonyTask: called.at - seen,
      participantSignaled: signaled - called.at,
      childStarted: (started.get(next) as number) - (startInitiated.get(next) as number),
      total: signaled - updateDone,
    });
  }
  return out;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  const stackStart = performance.now();
  const stack = await startBenchStack(args.stack === 'test' ? 'test' : 'embedded', overrides, args['log-level'], 'sequential');
  const cfg = stack.cfg;
  const stackMs = performance.now() - stackStart;
  const guard = setTimeout(() => {
    console.error(`bench: gave up after ${OVERALL_TIMEOUT_MS / 60_000} min`);
    process.exit(2);
  }, OVERALL_TIMEOUT_MS);
  guard.unref();
  console.log(`sequential benchmark, ${startedAt.toISOString()}`);
  console.log(`  machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; load average before the run ${load(loadBefore)}`);
  console.log(`  command: npx tsx bench/sequential.ts ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(
    `  stack: ${args.stack === 'test' ? 'test/helpers/stack.ts (Temporal dev server, in-memory SQLite)' : 'runtime/stack.ts (Temporal dev server, SQLite file)'}, started in ${(stackMs / 1000).toFixed(1)} s; ceremony sizes 16:4; initialRoundTripMs ${cfg.ceremony.sequential.initialRoundTripMs}, minCheckinIntervalMs ${cfg.ceremony.sequential.minCheckinIntervalMs}`,
  );
  let child: ChildProcess | undefined;
  let failure: unknown;
  try {
    const gateway = new SequentialGateway(stack.client, cfg);
    // A participant of its own for the probes: it enters the lobby through the API like the others.
    const probe = new ParticipantClient(stack.apiUrl);
    await probe.loginDev('probe');
    const probeWorkflowId = participantWorkflowId(cfg.ceremony.id, participantIdOf('dev|probe'));

    const self = fileURLToPath(import.meta.url);
    const spawned = fork(self, [...process.argv.slice(2), '--load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = spawned;
    const tell = (m: MainMessage): void => {
      spawned.send(m);
    };
    let result: LoadResult | undefined;
    let probes: Promise<Probes> | undefined;
    let window: 'before' | 'open' | 'closed' = 'before';
    let turnsReport: Promise<void> = Promise.resolve();
    const exited = new Promise<void>((resolve, reject) => {
      spawned.on('message', (raw) => {
        const m = raw as ChildMessage;
        if (m.kind === 'progress') console.error(`bench: ${m.text}`);
        else if (m.kind === 'failed') reject(new Error(`load generator: ${m.error}`));
        else if (m.kind === 'result') result = m;
        else if (m.kind === 'turns') {
          turnsReport = handoffProfile(stack.client, gateway.ceremonyWorkflowId)
            .then((handoffs) => console.log(reportTurns(m, handoffs, os.loadavg()).join('\n')))
            .catch((err: unknown) => console.error(`bench: reading the workflow histories failed: ${String(err)}`))
            .finally(() => {
              probes = runProbes(stack.apiUrl, probe, gateway, stack.client, probeWorkflowId, spawned, () => window);
              tell({ kind: 'continue' });
            });
        } else if (m.kind === 'window') {
          window = m.open ? 'open' : 'closed';
        }
      });
      spawned.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load generator exited with ${String(code)}`))));
    });
    tell({ kind: 'start', url: stack.apiUrl, options });
    await exited;
    await turnsReport;
    if (result === undefined) throw new Error('the load generator sent no result');
    const probed = probes === undefined ? undefined : await probes;
    console.log(reportLobby(result, probed).join('\n'));
    const tpid = await temporalPid();
    const temporalPeakKb = tpid === undefined ? NaN : await procStatus(tpid, 'VmHWM');
    console.log('');
    console.log(
      `peak RSS: API + workers process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, Temporal dev server ${(temporalPeakKb / 1024).toFixed(0)} MiB, load generator ${(result.clientMaxRssKb / 1024).toFixed(0)} MiB`,
    );
    console.log(`load average after the run ${load(os.loadavg())}`);
  } catch (err) {
    failure = err;
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    if (child !== undefined && child.exitCode === null) child.kill('SIGTERM');
    // Requests the API still retries against Temporal when the client closes would throw from a timer.
    process.on('uncaughtException', (err) => console.error(`bench: during shutdown: ${err.message}`));
    await stack.stop();
    clearTimeout(guard);
  }
  if (failure !== undefined) process.exitCode = 1;
}

function reportTurns(r: TurnsResult, handoffs: Handoff[], loadNow: number[]): string[] {
  const lines: string[] = [''];
  lines.push(`1. coordinator overhead per turn (accepted for k → contribution/start succeeded for k+1), ${options.turns} turns each; load average now ${loadNow.map((x) => x.toFixed(2)).join(' ')}`);
  const polled = r.polled;
  lines.push(row(`(a) k+1 polls every ${options.pollMs} ms: total`, summarize(polled.map((s) => s.totalMs))));
  lines.push(row('    accepted → ready answer', summarize(polled.map((s) => s.readyMs))));
  lines.push(row('    contribution/start call', summarize(polled.map((s) => s.startMs))));
  lines.push(row('(b) server side (back-to-back check-ins): total', summarize(r.tight.map((s) => s.totalMs))));
  lines.push(row('    accepted → ready answer', summarize(r.tight.map((s) => s.readyMs))));
  lines.push(row('    contribution/start call', summarize(r.tight.map((s) => s.startMs))));
  lines.push(row('    check-ins until ready (count)', summarize(r.tight.map((s) => s.polls))).replace(/ ms/g, '   '));
  lines.push(row('(context) contribution/complete incl. verification', summarize([...polled, ...r.tight].map((s) => s.completeMs))));
  lines.push('  the hand-off inside Temporal, from workflow history event times (all hand-offs):');
  const stages: Array<[keyof Handoff, string]> = [
    ['total', 'update result recorded → participant has `called`'],
    ['turnClose', '  turn k: update result → turn workflow closed'],
    ['childCompletedSeen', '  → ceremony history has the child completion'],
    ['ceremonyTask', '  → ceremony task: start turn k+1, signal `called`'],
    ['participantSignaled', '  → participant workflow has `called`'],
    ['childStarted', '  (in parallel: StartChild command → turn k+1 started)'],
  ];
  for (const [key, label] of stages) lines.push(row(`  ${label}`, summarize(handoffs.map((h) => h[key]))));
  return lines;
}

function reportLobby(r: LoadResult, p: Probes | undefined): string[] {
  const lines: string[] = [''];
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  lines.push(`2. lobby with ${options.participants} participants (one more holds the turn)`);
  lines.push(row('login', summarize(r.loginMs)));
  lines.push(row(`lobby/enter (${options.concurrency} at a time)`, summarize(r.enterMs)));
  const enterErrors = Object.entries(r.enterErrors);
  lines.push(
    `  ${r.entered} entered in ${(r.enterWallMs / 1000).toFixed(1)} s; failed attempts (retried): ${enterErrors.length === 0 ? 'none' : enterErrors.map(([c, n]) => `${c} ${n}`).join(', ')}; ` +
      `removed for a missed check-in before the window: ${r.removedBeforeWindow}`,
  );
  const errors = Object.entries(r.checkinErrors);
  const count = r.checkinMs.length + errors.reduce((a, [, n]) => a + n, 0);
  lines.push(row('lobby/checkin while the lobby fills', summarize(r.checkinBeforeMs)));
  const pacing = options.pacing === 'stress' ? `every ${options.checkinMinMs}-${options.checkinMaxMs} ms` : 'part-way to each deadline';
  lines.push(row(`lobby/checkin, ${pacing}, ${r.windowMs / 1000} s`, summarize(r.checkinMs)));
  lines.push(`  rate ${(count / (r.windowMs / 1000)).toFixed(1)} check-ins/s; errors: ${errors.length === 0 ? 'none' : errors.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  lines.push(`  honest participants removed (wrongful removals), at any time: ${r.wrongfulRemovals}`);
  if (options.abusers > 0) {
    const abuseErrors = Object.entries(r.abuseErrors);
    lines.push(row(`abusers' lobby/checkin, every ${options.abuseMs} ms`, summarize(r.abuseMs)));
    lines.push(
      `  ${options.abusers} abusers, rate ${((r.abuseMs.length + abuseErrors.reduce((a, [, n]) => a + n, 0)) / (r.windowMs / 1000)).toFixed(1)} check-ins/s; errors: ${abuseErrors.length === 0 ? 'none' : abuseErrors.map(([c, n]) => `${c} ${n}`).join(', ')}`,
    );
  }
  for (const [code, message] of Object.entries(r.errorSamples)) lines.push(`    e.g. ${code}: ${message.slice(0, 160)}`);
  if (p !== undefined) {
    lines.push(`  where the time goes (probes from the API process during the window, one round every ~${options.probeMs} ms):`);
    lines.push(row('  GET /healthz (HTTP + middleware, no Temporal)', summarize(p.healthz)));
    lines.push(row('  GET /auth/session (+ token check, rate limiter)', summarize(p.session)));
    lines.push(row('  snapshot query (ceremony workflow)', summarize(p.snapshot)));
    lines.push(row('  check-in update straight to Temporal', summarize(p.update)));
    lines.push(row(`  participant query + lineup query (${options.participants} ids)`, summarize(p.queries)));
    if (options.abusers > 0) {
      lines.push(`    history events of the first ${Math.min(50, options.abusers)} abusers' participant workflows: ${p.abuserHistoryBefore} at the window's start, ${p.abuserHistoryAfter} at its end`);
      lines.push(`    history events of the honest participants just ahead of them: ${p.honestHistoryBefore} at the window's start, ${p.honestHistoryAfter} at its end`);
    }
    if (p.failures > 0) lines.push(`    probe failures: ${p.failures}`);
    lines.push(`    API process event-loop delay p99 ${ms(p.eventLoopP99Ms)}, max ${ms(p.eventLoopMaxMs)}`);
    lines.push(`    load average at the end of the window (this benchmark included): ${load(p.loadDuring)}`);
    lines.push(`    CPU (100% = one core): API + workers ${p.apiCpuPct.toFixed(0)}%, Temporal dev server ${p.temporalCpuPct.toFixed(0)}%, load generator ${p.clientCpuPct.toFixed(0)}%`);
    const all = count + r.abuseMs.length + Object.values(r.abuseErrors).reduce((x, n) => x + n, 0);
    const perCheckin = (pct: number): string => (all === 0 ? '-' : `${((pct / 100) * (r.windowMs / all)).toFixed(1)} ms`);
    lines.push(`    CPU per check-in in the window (all check-ins, probes included): API + workers ${perCheckin(p.apiCpuPct)}, Temporal dev server ${perCheckin(p.temporalCpuPct)}`);
    lines.push(
      `    API + workers process by thread: ${p.threads
        .filter(([, v]) => v >= 0.5)
        .map(([k, v]) => `${k} ${v.toFixed(0)}%`)
        .join(', ')}`,
    );
    if (p.profile.length > 0) {
      const idle = p.profile.filter(([k]) => k === '(idle)' || k === '(program)').reduce((a, [, v]) => a + v, 0);
      const busy = p.profileTotalMs - idle;
      lines.push(`    main JS thread CPU profile (--cpu-profile), self time by origin, % of the busy ${(busy / 1000).toFixed(1)} s:`);
      for (const [origin, t] of p.profile.filter(([k]) => k !== '(idle)' && k !== '(program)').slice(0, 14)) lines.push(`      ${origin.padEnd(60)} ${((t / busy) * 100).toFixed(1)}%`);
    }
  }
  return lines;
}

if (args['load-generator']) {
  void nextMessage('start').then((m) => {
    if (m.kind !== 'start') return;
    loadGenerator(m.url, m.options).then(
      (result) => process.send?.(result, () => process.exit(0)),
      (err: unknown) => process.send?.({ kind: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1)),
    );
  });
} else {
  await main();
}
