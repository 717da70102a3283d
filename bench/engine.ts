// Engine benchmark at the spec's full sizes (4096/8192/16384/32768 G1 powers,
// 65 G2 powers): contribute, verify-contribution, verify-transcript per
// contribution, peak RSS. Prints figures; not a test.
//   npx tsx bench/engine.ts [--backend fast|noble] [--threads N] [--chain N]
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  applyVerifiedContribution,
  contribute,
  createEngine,
  newTranscript,
  parseBatchContribution,
  serializeBatchContribution,
  serializeBatchTranscript,
  SPEC_SIZES,
  verifyContribution,
  verifyTranscript,
  type Engine,
  type Witness,
} from '../engine/index.js';
import { verifyWitnessChains } from '../engine/ops/witness-chain.js';
import { isBackendName } from '../engine/curve/load-backend.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'fast' },
    threads: { type: 'string', default: String(availableParallelism()) },
    chain: { type: 'string', default: '200' },
  },
});
const backend = values.backend ?? 'fast';
if (!isBackendName(backend)) throw new Error(`unknown backend ${backend}`);
const threads = Number(values.threads);
const chainLength = Number(values.chain);

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2) + ' s';
}

/** Wall time, and CPU time of the whole process (all threads, workers included). */
async function timed<T>(label: string, run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const value = await run();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(`${label.padEnd(44)} ${seconds(ms).padStart(9)}  (cpu ${seconds(cpuMs)})`);
  return { value, ms };
}

/** Witnesses of `count` contributions, built directly from known secrets (cheap). */
function syntheticWitnesses(engine: Engine, count: number): Witness[] {
  const b = engine.backend;
  const encode1 = (p: unknown) => '0x' + Buffer.from(b.g1.encode([p])).toString('hex');
  const encode2 = (p: unknown) => '0x' + Buffer.from(b.g2.encode([p])).toString('hex');
  return SPEC_SIZES.map((_, j) => {
    const runningProducts = [encode1(b.g1.generator())];
    const potPubkeys = [encode2(b.g2.generator())];
    let product = b.g1.generator();
    for (let k = 0; k < count; k++) {
      const x = BigInt(1000 + 97 * j + 13 * k);
      product = b.g1.multiply(product, x);
      runningProducts.push(encode1(product));
      potPubkeys.push(encode2(b.g2.multiply(b.g2.generator(), x)));
    }
    return { runningProducts, potPubkeys, blsSignatures: runningProducts.map(() => '') };
  });
}

const engine = await createEngine({ backend, threads });
console.log(`engine bench: backend=${backend} threads=${threads} cpu="${cpus()[0]?.model ?? '?'}" x${cpus().length} node=${process.version}`);
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`sizes: ${SPEC_SIZES.map((s) => `${s.numG1Powers}:${s.numG2Powers}`).join(',')}`);
try {
  const initial = newTranscript(SPEC_SIZES);
  await timed('warm-up (workers, small contribute)', () => contribute(engine, newTranscript([{ numG1Powers: 64, numG2Powers: 4 }])));
  const first = await timed('contribute (initial transcript)', () => contribute(engine, initial));
  const afterOne = applyVerifiedContribution(await verifyContribution(engine, initial, first.value));
  const transcript1 = await afterOne;
  const second = await timed('contribute (after one contribution)', () => contribute(engine, transcript1));
  const contributionText = serializeBatchContribution(second.value);
  const verify = await timed('verify-contribution (parse + verify)', async () => verifyContribution(engine, transcript1, parseBatchContribution(contributionText)));
  const transcript2 = await applyVerifiedContribution(verify.value);
  console.log(`contribution file: ${(contributionText.length / 1e6).toFixed(1)} MB, transcript: ${(serializeBatchTranscript(transcript2).length / 1e6).toFixed(1)} MB`);
  const base = await timed('verify-transcript (2 contributions)', () => verifyTranscript(engine, transcript2));
  const witnesses = syntheticWitnesses(engine, chainLength);
  const chain = await timed(`witness chain of ${chainLength} contributions`, () => verifyWitnessChains(engine, witnesses));
  const perContribution = chain.ms / chainLength;
  console.log(`${'verify-transcript per contribution (chain)'.padEnd(44)} ${perContribution.toFixed(1)} ms (4 sub-ceremonies)`);
  console.log(`${'verify-transcript estimate, 2 + N contributions'.padEnd(44)} ${seconds(base.ms)} + N x ${perContribution.toFixed(1)} ms`);
} finally {
  await engine.close();
}
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const maxRss = process.resourceUsage().maxRSS * 1024;
console.log(`${'peak RSS (process incl. workers)'.padEnd(44)} ${(maxRss / 1024 / 1024).toFixed(0)} MiB`);
