// Bulk primitives over the task runner: decode/validate a vector of compressed
// points with multi-scalar multiplications in the same pass, and multiply a
// vector by successive powers of a scalar. Vectors are split into chunks that
// run in parallel; failures report the lowest failing index of the whole vector.
import type { GroupBackend, PointFailure } from '../curve/backend.js';
import { sliceScalars, type ScalarVector } from '../curve/scalars.js';
import { bigIntToBytes, G1_BYTES, G2_BYTES, SCALAR_BYTES } from '../format/hex.js';
import type { Engine } from '../context.js';
import type { GroupName } from '../pool/tasks.js';
import { chunkRanges, chunkSizeFor } from './chunks.js';
import type { ProgressCounter } from './progress-counter.js';

export function groupWidth(group: GroupName): number {
  return group === 'G1' ? G1_BYTES : G2_BYTES;
}

export interface BulkOptions {
  validate: boolean;
  chunkSize?: number;
  progress?: ProgressCounter;
  /** Stops the work: no task begins once it aborts, and the call rejects with its reason. */
  signal?: AbortSignal;
}

export type CombineOutcome<P> = { ok: true; sums: P[] } | { ok: false; failure: PointFailure };

/**
 * Decodes `bytes` (compressed points of `group`), validating each when asked, and
 * returns sum_i s_i * P_i for every scalar set s (each with one scalar per point).
 */
export async function decodeAndCombine<P>(
  engine: Engine,
  group: GroupName,
  groupBackend: GroupBackend<P>,
  bytes: Uint8Array,
  scalarSets: readonly ScalarVector[],
  options: BulkOptions,
): Promise<CombineOutcome<P>> {
  const width = groupWidth(group);
  const count = bytes.byteLength / width;
  const size = options.chunkSize ?? chunkSizeFor(count, engine.runner.parallelism);
  const ranges = chunkRanges(count, size);
  const results = await Promise.all(
    ranges.map(async (range) => {
      const result = await engine.runner.run({
        kind: 'decodeMsm',
        group,
        points: bytes.subarray(range.start * width, range.end * width),
        validate: options.validate,
        scalarSets: scalarSets.map((set) => sliceScalars(set, range.start, range.end)),
      });
      options.progress?.add(range.end - range.start);
      return { range, result };
    }),
  );
  let firstFailure: PointFailure | undefined;
  for (const { range, result } of results) {
    if (!result.ok) {
      const failure = { ...result.failure, index: result.failure.index + range.start };
      if (firstFailure === undefined || failure.index < firstFailure.index) firstFailure = failure;
    }
  }
  if (firstFailure !== undefined) return { ok: false, failure: firstFailure };
  const sums = scalarSets.map(() => groupBackend.zero());
  for (const { result } of results) {
    if (!result.ok) continue;
    result.sums.forEach((encoded, i) => {
      sums[i] = groupBackend.add(sums[i] as P, decodeTrusted(groupBackend, encoded));
    });
  }
  return { ok: true, sums };
}

export type ScaleOutcome = { ok: true; points: Uint8Array } | { ok: false; failure: PointFailure };

/**
 * points[i] * base^(startExponent + i) for the whole vector, re-encoded. The secret
 * `base` travels to workers as bytes that are zeroed after use on both sides.
 */
export async function scaleByPowers(engine: Engine, group: GroupName, bytes: Uint8Array, base: bigint, options: BulkOptions & { startExponent?: number }): Promise<ScaleOutcome> {
  const width = groupWidth(group);
  const count = bytes.byteLength / width;
  const size = options.chunkSize ?? chunkSizeFor(count, engine.runner.parallelism, 128, 2048);
  const first = options.startExponent ?? 0;
  const out = new Uint8Array(bytes.byteLength);
  const secrets: Uint8Array[] = [];
  try {
    const results = await Promise.all(
      chunkRanges(count, size).map(async (range) => {
        const secret = bigIntToBytes(base, SCALAR_BYTES);
        secrets.push(secret);
        const result = await engine.runner.run(
          {
            kind: 'scalePowers',
            group,
            points: bytes.subarray(range.start * width, range.end * width),
            validate: options.validate,
            base: secret,
            startExponent: first + range.start,
          },
          options.signal,
        );
        secret.fill(0);
        options.progress?.add(range.end - range.start);
        return { range, result };
      }),
    );
    let firstFailure: PointFailure | undefined;
    for (const { range, result } of results) {
      if (!result.ok) {
        const failure = { ...result.failure, index: result.failure.index + range.start };
        if (firstFailure === undefined || failure.index < firstFailure.index) firstFailure = failure;
      } else {
        out.set(result.points, range.start * width);
      }
    }
    return firstFailure === undefined ? { ok: true, points: out } : { ok: false, failure: firstFailure };
  } finally {
    for (const secret of secrets) secret.fill(0);
  }
}

/** Decodes one point produced by this engine (it is valid by construction). */
export function decodeTrusted<P>(group: GroupBackend<P>, encoded: Uint8Array): P {
  const decoded = group.decode(encoded, false);
  if (!decoded.ok || decoded.points.length !== 1) throw new Error('internal: cannot decode a point computed by a worker');
  return decoded.points[0] as P;
}

/** Decodes and validates exactly one point. */
export function decodeOne<P>(group: GroupBackend<P>, encoded: Uint8Array): { ok: true; point: P } | { ok: false; failure: PointFailure } {
  const decoded = group.decode(encoded, true);
  if (!decoded.ok) return decoded;
  return { ok: true, point: decoded.points[0] as P };
}
