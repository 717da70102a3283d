// Stopping a contribution: an AbortSignal passed to contribute() is checked before each task (a chunk
// of points) begins, on the worker pool and on the inline runner alike; the call rejects with the
// signal's reason and the work stops (progress never reaches the total).
import { describe, expect, it } from 'vitest';
import { contribute, createEngine, newTranscript } from '../../engine/index.js';

const SIZES = [
  { numG1Powers: 4096, numG2Powers: 65 },
  { numG1Powers: 2048, numG2Powers: 33 },
];
const TOTAL = SIZES.reduce((sum, s) => sum + s.numG1Powers + s.numG2Powers, 0);

describe.each([
  ['worker pool', 2],
  ['inline runner', 0],
] as const)('an aborted contribution (%s)', (_name, threads) => {
  it('rejects with the reason once the signal aborts, and begins no further task', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const engine = await createEngine({
      threads,
      onProgress: (p) => {
        seen.push(p.done);
        // Abort as soon as the first task has finished.
        if (p.done > 0 && !controller.signal.aborted) controller.abort(new Error('the turn is gone'));
      },
    });
    try {
      await expect(contribute(engine, newTranscript(SIZES), { signal: controller.signal })).rejects.toThrow('the turn is gone');
      // Tasks that had begun may still report; none begins after the abort, so the total is never reached.
      await new Promise((r) => setTimeout(r, 200));
      expect(Math.max(...seen)).toBeGreaterThan(0);
      expect(Math.max(...seen)).toBeLessThan(TOTAL);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('refuses to begin with a signal already aborted', async () => {
    const engine = await createEngine({ threads });
    try {
      await expect(contribute(engine, newTranscript(SIZES), { signal: AbortSignal.abort(new Error('gone before it began')) })).rejects.toThrow('gone before it began');
    } finally {
      await engine.close();
    }
  });
});
