// The buffers of a task's result that can be moved, not copied, to the thread that asked for it.
import type { TaskResult } from './tasks.js';

export function transferablesOf(result: TaskResult): ArrayBuffer[] {
  if (!result.ok) return [];
  const buffers: Uint8Array[] = 'sums' in result ? result.sums : 'points' in result ? [result.points] : [result.productSum, result.millerLoop];
  // Only whole, unshared buffers can be moved.
  return buffers.filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer).map((b) => b.buffer as ArrayBuffer);
}
