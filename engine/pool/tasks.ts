// Units of heavy work, expressed in bytes so they cross thread boundaries
// unchanged and every backend can run them.
import type { PointFailure } from '../curve/backend.js';
import type { ScalarVector } from '../curve/scalars.js';

export type GroupName = 'G1' | 'G2';

/** Decode (and optionally validate) points, then one multi-scalar multiplication per scalar set. */
export interface DecodeMsmTask {
  kind: 'decodeMsm';
  group: GroupName;
  points: Uint8Array;
  validate: boolean;
  /** Each set holds one scalar per point; result i is the compressed sum for set i. */
  scalarSets: ScalarVector[];
}

export type DecodeMsmResult = { ok: true; sums: Uint8Array[] } | { ok: false; failure: PointFailure };

/** points[i] * base^(startExponent + i), re-encoded. `base` is a 32-byte big-endian secret. */
export interface ScalePowersTask {
  kind: 'scalePowers';
  group: GroupName;
  points: Uint8Array;
  validate: boolean;
  base: Uint8Array;
  startExponent: number;
}

export type ScalePowersResult = { ok: true; points: Uint8Array } | { ok: false; failure: PointFailure };

/**
 * A stretch of a witness chain: running products r_{k-1}..r_{k+m-1} (m + 1 G1 points)
 * and pubkeys x_k..x_{k+m-1} (m G2 points), weights c (m scalars). Returns
 * sum c_j r_{k+j} and the Miller loop of prod e(-c_j r_{k+j-1}, x_{k+j}), so that
 * e(sum, g2) times that value is 1 after final exponentiation when every step holds.
 */
export interface ChainTask {
  kind: 'chain';
  runningProducts: Uint8Array;
  pubkeys: Uint8Array;
  validate: boolean;
  weights: ScalarVector;
}

export type ChainFailure = {
  list: 'runningProducts' | 'potPubkeys';
  index: number;
  reason: PointFailure['reason'] | 'AT_INFINITY';
  detail: string;
};

export type ChainResult = { ok: true; productSum: Uint8Array; millerLoop: Uint8Array } | { ok: false; failure: ChainFailure };

export type Task = DecodeMsmTask | ScalePowersTask | ChainTask;

export type ResultFor<T extends Task> = T extends DecodeMsmTask ? DecodeMsmResult : T extends ScalePowersTask ? ScalePowersResult : T extends ChainTask ? ChainResult : never;

export type TaskResult = DecodeMsmResult | ScalePowersResult | ChainResult;

/** Number of points a task touches, for progress accounting. */
export function taskWeight(task: Task): number {
  switch (task.kind) {
    case 'decodeMsm':
    case 'scalePowers':
      return task.points.byteLength / (task.group === 'G1' ? 48 : 96);
    case 'chain':
      return task.pubkeys.byteLength / 96;
  }
}
