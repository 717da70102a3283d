// Runs one task with a backend; the same code serves workers and inline runs.
import type { CurveBackend, GroupBackend } from '../curve/backend.js';
import { scalarCount } from '../curve/scalars.js';
import { bytesToBigInt } from '../format/hex.js';
import type { ChainResult, ChainTask, DecodeMsmResult, DecodeMsmTask, ScalePowersResult, ScalePowersTask, Task, TaskResult } from './tasks.js';

export function executeTask<P1, P2>(backend: CurveBackend<P1, P2>, task: Task): TaskResult {
  switch (task.kind) {
    case 'decodeMsm':
      return task.group === 'G1' ? decodeMsm(backend.g1, task) : decodeMsm(backend.g2, task);
    case 'scalePowers':
      return task.group === 'G1' ? scalePowers(backend.g1, task) : scalePowers(backend.g2, task);
    case 'chain':
      return chain(backend, task);
  }
}

function decodeMsm<P>(group: GroupBackend<P>, task: DecodeMsmTask): DecodeMsmResult {
  const decoded = group.decode(task.points, task.validate);
  if (!decoded.ok) return decoded;
  const count = decoded.points.length;
  for (const set of task.scalarSets) {
    if (scalarCount(set) !== count) throw new RangeError(`decodeMsm: ${scalarCount(set)} scalars for ${count} points`);
  }
  const sums = task.scalarSets.map((set) => group.msm(decoded.points, set));
  return { ok: true, sums: sums.map((sum) => group.encode([sum])) };
}

function scalePowers<P>(group: GroupBackend<P>, task: ScalePowersTask): ScalePowersResult {
  const decoded = group.decode(task.points, task.validate);
  if (!decoded.ok) return decoded;
  const base = bytesToBigInt(task.base);
  task.base.fill(0);
  const scaled = group.scalePowers(decoded.points, base, task.startExponent);
  return { ok: true, points: group.encode(scaled) };
}

function chain<P1, P2>(backend: CurveBackend<P1, P2>, task: ChainTask): ChainResult {
  const products = backend.g1.decode(task.runningProducts, task.validate);
  if (!products.ok) return { ok: false, failure: { list: 'runningProducts', ...products.failure } };
  const pubkeys = backend.g2.decode(task.pubkeys, task.validate);
  if (!pubkeys.ok) return { ok: false, failure: { list: 'potPubkeys', ...pubkeys.failure } };
  const m = pubkeys.points.length;
  if (products.points.length !== m + 1 || scalarCount(task.weights) !== m) throw new RangeError('chain: inconsistent lengths');
  const zeroAt = pubkeys.points.findIndex((pk) => backend.g2.isZero(pk));
  if (zeroAt >= 0) {
    return { ok: false, failure: { list: 'potPubkeys', index: zeroAt, reason: 'AT_INFINITY', detail: 'pubkey is the point at infinity' } };
  }
  const current = products.points.slice(1);
  const productSum = backend.g1.msm(current, task.weights);
  const pairs: Array<readonly [P1, P2]> = [];
  for (let j = 0; j < m; j++) {
    const previous = products.points[j] as P1;
    const single = { width: task.weights.width, bytes: task.weights.bytes.subarray(j * task.weights.width, (j + 1) * task.weights.width) };
    pairs.push([backend.g1.negate(backend.g1.msm([previous], single)), pubkeys.points[j] as P2]);
  }
  return { ok: true, productSum: backend.g1.encode([productSum]), millerLoop: backend.millerLoopProduct(pairs) };
}
