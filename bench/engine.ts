// Engine benchmark at the spec's full sizes (4096/8192/16384/32768 G1 powers,
// 65 G2 powers): contribute, verify-contribution, verify-transcript per
// contribution, peak RSS. Prints figures; not a test.
//   npx tsx bench/engine.ts [--backend fast|noble] [--threads N] [--chain N]
import { availableParallelism, cpus } from 'node:os';
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
  type BatchTranscript,
  type Engine,
} from '../engine/index.js';
import { CURVE_ORDER } from '../engine/curve/constants.js';
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

async function timed<T>(label: string, run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  const ms = performance.now() - start;
  console.log(`${label.padEnd(44)} ${seconds(ms)}`);
  return { value, ms };
}

/** A transcript with `count` contributions whose witness is built directly (cheaply) from known secrets. */
async function syntheticHistory(engine: Engine, count: number): Promise<BatchTranscript> {
  const secrets = SPEC_SIZES.map((_, j) => Array.from({ length: count }, (_, k) => BigInt(1000 + 97 * j + 13 * k)));
  const products = secrets.map((list) => list.reduce((acc, x) => (acc * x) % CURVE_ORDER, 1n));
  const initial = newTranscript(SPEC_SIZES);
  const powers = await contribute(engine, initial, { secrets: products });
  const b = engine.backend;
  const transcripts = initial.transcripts.map((sub, j) => {
    const runningProducts = [...sub.witness.runningProducts];
    const potPubkeys = [...sub.witness.potPubkeys];
    let product = b.g1.generator();
    for (const x of secrets[j] as bigint[]) {
      product = b.g1.multiply(product, x);
      runningProducts.push('0x' + Buffer.from(b.g1.encode([product])).toString('hex'));
      potPubkeys.push('0x' + Buffer.from(b.g2.encode([b.g2.multiply(b.g2.generator(), x)])).toString('hex'));
    }
    const update = powers.contributions[j];
    if (update === undefined) throw new Error('missing sub-ceremony');
    return { ...sub, powersOfTau: update.powersOfTau, witness: { runningProducts, potPubkeys, blsSignatures: runningProducts.map(() => '') } };
  });
  return { transcripts, participantIds: Array.from({ length: count + 1 }, () => ''), participantEcdsaSignatures: Array.from({ length: count + 1 }, () => '') };
}

const engine = await createEngine({ backend, threads });
console.log(`engine bench: backend=${backend} threads=${threads} cpu="${cpus()[0]?.model ?? '?'}" x${cpus().length} node=${process.version}`);
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
  const history = await syntheticHistory(engine, chainLength);
  const long = await timed(`verify-transcript (${chainLength} contributions)`, () => verifyTranscript(engine, history));
  const perContribution = (long.ms - base.ms) / (chainLength - 2);
  console.log(`${'verify-transcript per contribution'.padEnd(44)} ${perContribution.toFixed(1)} ms`);
} finally {
  await engine.close();
}
const maxRss = process.resourceUsage().maxRSS * 1024;
console.log(`${'peak RSS (process incl. workers)'.padEnd(44)} ${(maxRss / 1024 / 1024).toFixed(0)} MiB`);
