// api/rounds/shared-calls.ts: concurrent callers of one key share one call; nothing is kept once it settles.
import { describe, expect, it } from 'vitest';
import { SharedCalls } from '../../api/rounds/shared-calls.js';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (err: unknown) => void } {
  let resolve: (v: T) => void = () => undefined;
  let reject: (err: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SharedCalls', () => {
  it('callers of a key whose call is under way share it; another key calls on its own; a settled key calls again', async () => {
    const shared = new SharedCalls<string>();
    const first = deferred<string>();
    let calls = 0;
    const call = (d: { promise: Promise<string> }) => () => {
      calls += 1;
      return d.promise;
    };
    const a = shared.run('m1', call(first));
    const b = shared.run('m1', call(deferred<string>()));
    const other = deferred<string>();
    const c = shared.run('m2', call(other));
    expect(calls).toBe(2);
    expect(shared.size).toBe(2);
    first.resolve('signalled');
    other.resolve('other');
    expect(await Promise.all([a, b, c])).toEqual(['signalled', 'signalled', 'other']);
    expect(shared.size).toBe(0);
    const again = deferred<string>();
    const d = shared.run('m1', call(again));
    expect(calls).toBe(3);
    again.resolve('again');
    expect(await d).toBe('again');
  });

  it('a failure reaches every caller that shared the call, and is not kept', async () => {
    const shared = new SharedCalls<void>();
    const failing = deferred<void>();
    const a = shared.run('m1', () => failing.promise);
    const b = shared.run('m1', () => Promise.resolve());
    failing.reject(new Error('no round'));
    await expect(a).rejects.toThrow('no round');
    await expect(b).rejects.toThrow('no round');
    expect(shared.size).toBe(0);
    await expect(shared.run('m1', () => Promise.resolve())).resolves.toBeUndefined();
  });
});
