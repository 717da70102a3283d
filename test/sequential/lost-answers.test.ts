// The reference contributor on the real stack when answers are lost between it and the API: a
// check-in, a start and the lobby entry that fail with 503 are made again. An upload whose answer never
// arrives is sent again (#13): when the API had taken the first, the turn refuses the second as already
// completed and the contributor learns its outcome and receipt from its participant record; when the
// first never reached a live API, the second is the one verified.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runContributor, type ContributorEvent } from '../../client/contributor.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { startFaultyProxy, type FaultyProxy } from '../helpers/faulty-proxy.js';
import { keysUnder } from '../helpers/objects.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;
let proxy: FaultyProxy;

beforeAll(async () => {
  stack = await startTestStack({ ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }] } });
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await proxy?.close();
  await engine?.close();
  await stack?.stop();
});

it('makes safe calls again after 503, and after a lost completion answer learns the outcome and receipt without a second contribution', async () => {
  proxy = await startFaultyProxy(stack.url, (call, nth) => {
    if (nth === 1 && (call === 'POST /lobby/enter' || call === 'POST /contribution/start')) return 'unavailable';
    if (nth === 1 && call === 'POST /contribution/complete') return 'lose-answer';
    return undefined;
  });
  const events: ContributorEvent[] = [];
  const result = await runContributor({ url: proxy.url, engine, name: 'unlucky', onEvent: (e) => events.push(e) });

  expect(proxy.injected).toEqual(['unavailable POST /lobby/enter', 'unavailable POST /contribution/start', 'lose-answer POST /contribution/complete']);
  // Sent again once; the turn already had the first, so the second was refused and nothing of it kept.
  expect(proxy.seen.filter((c) => c === 'POST /contribution/complete')).toHaveLength(2);
  expect(await keysUnder(stack, 'uploads')).toHaveLength(1);
  expect(events.filter((e) => e.kind === 'retrying').length).toBeGreaterThanOrEqual(2);
  expect(result.sequence).toBe(1);
  expect(result.receiptValid).toBe(true);
  expect(result.receiptId).toMatch(/^[0-9a-f]{64}$/);
  // The transcript hash the contributor reports is the ceremony's new head.
  const { head } = await stack.gateway.snapshot(0);
  expect(head?.sequence).toBe(1);
  expect(result.transcriptSha256).toBe(head?.transcriptSha256);
}, 120_000);

it('sends an upload again when the first never reached a live API, and the turn takes the second', async () => {
  await proxy.close();
  proxy = await startFaultyProxy(stack.url, (call, nth) => (nth === 1 && call === 'POST /contribution/complete' ? 'unavailable' : undefined));
  const uploadsBefore = (await keysUnder(stack, 'uploads')).length;
  const result = await runContributor({ url: proxy.url, engine, name: 'second-try' });
  expect(proxy.injected).toEqual(['unavailable POST /contribution/complete']);
  expect(proxy.seen.filter((c) => c === 'POST /contribution/complete')).toHaveLength(2);
  expect(result).toMatchObject({ sequence: 2, receiptValid: true });
  expect(await keysUnder(stack, 'uploads')).toHaveLength(uploadsBefore + 1);
  expect((await stack.gateway.snapshot(0)).stats).toMatchObject({ accepted: 2, computeTimeouts: 0 });
}, 120_000);
