// The chaos run of #13, longer than the CI test (test/sequential/chaos.test.ts): the coordinator as
// separate processes (a Temporal dev server, two API replicas behind a balancer, a workflow worker, a
// verification worker; test/helpers/split-stack.ts), reference contributors joining one after another
// on the seed's default schedule, and `kill -9` of every process kind in turn. Prints figures; not a
// test. Exits 1 when a promise is broken (an honest contributor without a receipt, a contribution lost
// or doubled, a transcript that does not verify).
//
//   npx tsx bench/chaos.ts [--contributors 20] [--kills 20] [--every-min-s 10] [--every-max-s 20]
//                          [--down-max-s 5] [--join-every-s 5] [--g1 8192] [--seed 1]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadReceiptKey } from '../evidence/receipt-key.js';
import { longestStallMs, runChaos, startSplitStack } from '../test/helpers/chaos.js';
import { ceremonyCli } from '../test/helpers/cli.js';
import { bounded } from './support.js';

const { values: args } = parseArgs({
  options: {
    contributors: { type: 'string', default: '20' },
    kills: { type: 'string', default: '20' },
    'every-min-s': { type: 'string', default: '10' },
    'every-max-s': { type: 'string', default: '20' },
    'down-max-s': { type: 'string', default: '5' },
    'join-every-s': { type: 'string', default: '5' },
    g1: { type: 'string', default: '8192' },
    seed: { type: 'string', default: '1' },
  },
});

const contributors = bounded(args.contributors, 1, 200, 'contributors');
const kills = bounded(args.kills, 0, 1_000, 'kills');
const everyMin = bounded(args['every-min-s'], 1, 3_600, 'every-min-s');
const everyMax = bounded(args['every-max-s'], everyMin, 3_600, 'every-max-s');
const downMax = bounded(args['down-max-s'], 0, 600, 'down-max-s');
const joinEvery = bounded(args['join-every-s'], 0, 3_600, 'join-every-s');
const g1 = bounded(args.g1, 64, 32_768, 'g1');
const seed = bounded(args.seed, 0, 2 ** 31, 'seed');

const say = (line: string): void => void process.stdout.write(`${line}\n`);
say(`chaos: ${contributors} contributors (one every ${joinEvery} s), ${kills} kill -9s every ${everyMin}-${everyMax} s (down 0-${downMax} s), G1 ${g1}, seed ${seed}`);
say(
  `machine: ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const ceremony = { sizes: [{ numG1Powers: g1, numG2Powers: 65 }] };
const stack = await startSplitStack(ceremony);
let broken = false;
try {
  const report = await runChaos(stack, {
    contributors,
    kills,
    killEveryMs: [everyMin * 1000, everyMax * 1000],
    downMs: [0, downMax * 1000],
    joinEveryMs: joinEvery * 1000,
    seed,
    log: (line) => say(`  ${line}`),
  });
  const byKind = new Map<string, number>();
  for (const k of report.kills) byKind.set(k.name, (byKind.get(k.name) ?? 0) + 1);
  const failed = report.outcomes.filter((o) => o.failure !== undefined);
  const status = (await (await fetch(`${stack.url}/ceremony/status`)).json()) as { stats: Record<string, number> };
  const records = (await (await fetch(`${stack.url}/records`)).json()) as { items: Array<{ kind: string }> };
  const fingerprint = (await loadReceiptKey(stack.cfg)).kid;
  const verified = await ceremonyCli(['verify', '--url', stack.url, `--key=${fingerprint}`, '--records']);
  const sequences = report.outcomes.flatMap((o) => (o.result === undefined ? [] : [o.result.sequence]));
  const distinct = new Set(sequences).size === sequences.length;
  say('');
  say(`| figure | value |`);
  say(`|---|---|`);
  say(`| duration | ${(report.durationMs / 1000).toFixed(0)} s |`);
  say(`| kill -9s | ${report.kills.length} (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}) |`);
  say(`| contributors with a valid receipt | ${report.outcomes.filter((o) => o.result?.receiptValid === true).length} of ${contributors} |`);
  say(`| honest contributors removed, struck or penalised | ${failed.length}${failed.length > 0 ? ` (${failed.map((f) => `${f.name}: ${f.failure ?? ''}`).join('; ')})` : ''} |`);
  say(
    `| coordinator counters | accepted ${status.stats['accepted']}, start missed ${status.stats['startMissed']}, compute timeouts ${status.stats['computeTimeouts']}, removed for a missed check-in ${status.stats['removedForMissedCheckin']} |`,
  );
  say(`| accepted contributions lost or doubled | ${distinct && sequences.length === status.stats['accepted'] ? 0 : 'SOME'} |`);
  say(`| deadlines excused (records) | ${records.items.filter((r) => r.kind === 'deadline-excused').length} (first records page) |`);
  say(`| calls retried by the clients | ${report.outcomes.reduce((n, o) => n + o.retries, 0)} |`);
  say(`| answers lost with a killed replica | ${report.lostAnswers} |`);
  say(`| longest stall with someone waiting | ${(longestStallMs(report.outcomes) / 1000).toFixed(1)} s |`);
  say(`| ceremony verify --records | exit ${verified.code} |`);
  broken = failed.length > 0 || !distinct || verified.code !== 0 || status.stats['accepted'] !== contributors;
} finally {
  await stack.stop();
}
say(broken ? 'BROKEN: a promise did not hold' : 'every promise held');
process.exit(broken ? 1 : 0);
