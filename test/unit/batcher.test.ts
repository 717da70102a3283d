// api/sequential/batcher.ts: concurrent calls leave together, one batch at a time (or up to maxInFlight), spaced, bounded,
// and every caller gets its own result or the batch's error.
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../api/sequential/batcher.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Batcher', () => {
  it('sends what arrives together as one batch and answers each caller with its own result', async () => {
    const sent: number[][] = [];
    const b = new Batcher<number, string>(
      async (items) => {
        sent.push(items);
        return items.map((i) => `r${i}`);
      },
      0,
      100,
    );
    const results = await Promise.all([1, 2, 3].map((i) => b.submit(i)));
    expect(results).toEqual(['r1', 'r2', 'r3']);
    expect(sent).toEqual([[1, 2, 3]]);
  });

  it('keeps one batch in flight; what comes meanwhile goes in the next one', async () => {
    const sent: number[][] = [];
    let release: () => void = () => undefined;
    const b = new Batcher<number, number>(
      async (items) => {
        sent.push(items);
        if (sent.length === 1) await new Promise<void>((r) => (release = r));
        return items;
      },
      0,
      100,
    );
    const first = b.submit(1);
    await sleep(5);
    const later = [b.submit(2), b.submit(3)];
    await sleep(20);
    expect(sent).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3]);
    expect(sent).toEqual([[1], [2, 3]]);
  });

  it('with maxInFlight 3, a batch leaves while earlier ones are still on their way, never more than 3 at once', async () => {
    const sent: number[][] = [];
    const releases: Array<() => void> = [];
    let inFlight = 0;
    let most = 0;
    const b = new Batcher<number, number>(
      async (items) => {
        sent.push(items);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise<void>((r) => releases.push(r));
        inFlight -= 1;
        return items;
      },
      0,
      100,
      3,
    );
    const all: Array<Promise<number>> = [];
    for (let i = 1; i <= 5; i += 1) {
      all.push(b.submit(i));
      await sleep(5);
    }
    // 1, 2 and 3 each left alone while the others were held; 4 and 5 wait for a free place.
    expect(sent).toEqual([[1], [2], [3]]);
    releases.shift()?.();
    await sleep(5);
    expect(sent).toEqual([[1], [2], [3], [4, 5]]);
    while (releases.length > 0) {
      releases.shift()?.();
      await sleep(5);
    }
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(3);
  });

  it('refuses a maxInFlight below 1', () => {
    expect(() => new Batcher<number, number>(async (items) => items, 0, 100, 0)).toThrow(/maxInFlight/);
  });

  it('spaces batches by spacingMs and splits at maxBatch', async () => {
    const at: number[] = [];
    const sizes: number[] = [];
    const b = new Batcher<number, number>(
      async (items) => {
        at.push(Date.now());
        sizes.push(items.length);
        return items;
      },
      50,
      2,
    );
    await Promise.all([1, 2, 3, 4, 5].map((i) => b.submit(i)));
    expect(sizes).toEqual([2, 2, 1]);
    for (let i = 1; i < at.length; i += 1) expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(45);
  });

  it('fails every caller of a failed batch with its error, and the next batch still goes', async () => {
    let calls = 0;
    const b = new Batcher<number, number>(
      async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('unavailable');
        return items;
      },
      0,
      100,
    );
    const failed = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toEqual(new Error('unavailable'));
    expect(await b.submit(3)).toBe(3);
  });

  it('refuses a send that answers the wrong number of results', async () => {
    const b = new Batcher<number, number>(async () => [], 0, 100);
    await expect(b.submit(1)).rejects.toThrow(/answered with 0 results/);
  });
});
