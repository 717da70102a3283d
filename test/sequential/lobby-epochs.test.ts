// The lobby shard's epochs on the real dev server and the production workflow worker, driven directly
// (the API's side is in lobby.test.ts): an epoch that is over hands its table to the next and
// completes, and the chain ends when the table is empty; a batch sent to an epoch that is over still
// reaches the present one; a hand-over never overrides a newer check-in nor brings back someone who
// left, and departures are handed over too (the turn still learns the handed-over deadline); an
// expired entry is swept with a signal to the participant's workflow; until the table is in, the
// successor forwards check-ins back to the predecessor, which sweeps with them; an epoch with no
// predecessor finds that out at once and sweeps. The phases of an epoch and the epochs a departure
// reaches are pure.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Client } from '@temporalio/client';
import { lookUpLiveness } from '../../api/sequential/liveness-lookup.js';
import { sequentialSettings } from '../../api/sequential/settings.js';
import { epochPhases, forwardBackEveryMs, latestEntry, lobbyEpochOf, lobbyEpochsAround, lobbyEpochsForDeparture, lobbyShardWorkflow, lobbyShardWorkflowId } from '../../workflows/sequential/lobby.js';
import { checkinsSignal, livenessQuery, lobbyLeftSignal, type LivenessEntry, type LobbyDeparture } from '../../workflows/sequential/messages.js';
import { participantWorkflowIdFor } from '../../workflows/sequential/ids.js';
import type { SequentialSettings } from '../../workflows/sequential/types.js';
import { sleep } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let client: Client;

beforeAll(async () => {
  stack = await startTestStack({ ceremony: { id: 'epochs', sizes: [{ numG1Powers: 8, numG2Powers: 3 }] } });
  client = stack.env.client;
});

afterAll(async () => {
  await stack?.stop();
});

/** The stack's settings with another epoch length and overlap, for a shard of its own per test. */
function settingsWith(lobbyEpochMs: number, lobbyEpochOverlapMs: number): SequentialSettings {
  const base = sequentialSettings(stack.cfg);
  return { ...base, timing: { ...base.timing, lobbyEpochMs, lobbyEpochOverlapMs } };
}

function entry(participantId: string, at: number, deadline: number): LivenessEntry {
  return { participantId, at, deadline, intervalMs: 5_000, ticket: 1, status: 'queued' };
}

const HOUR = 3_600_000;

function startEpoch(settings: SequentialSettings, shard: number, epoch: number, entries?: LivenessEntry[], departures?: LobbyDeparture[]) {
  return client.workflow.start(lobbyShardWorkflow, {
    workflowId: lobbyShardWorkflowId(settings.ceremonyId, shard, epoch),
    taskQueue: settings.workflowTaskQueue,
    args: [{ settings, shard, epoch, ...(entries === undefined ? {} : { entries }), ...(departures === undefined ? {} : { departures }) }],
  });
}

function checkinsWithStart(settings: SequentialSettings, shard: number, epoch: number, entries: LivenessEntry[]) {
  return client.workflow.signalWithStart(lobbyShardWorkflow, {
    workflowId: lobbyShardWorkflowId(settings.ceremonyId, shard, epoch),
    taskQueue: settings.workflowTaskQueue,
    args: [{ settings, shard, epoch }],
    signal: checkinsSignal,
    signalArgs: [entries],
  });
}

function held(settings: SequentialSettings, shard: number, epoch: number, participantId: string): Promise<LivenessEntry | null> {
  return client.workflow.getHandle(lobbyShardWorkflowId(settings.ceremonyId, shard, epoch)).query(livenessQuery, participantId);
}

/** The external signals a workflow sent: target workflow id, signal name, first argument. */
async function signalsSentBy(workflowId: string): Promise<Array<{ to: string; name: string; arg: unknown }>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const { defaultPayloadConverter } = await import('@temporalio/common');
  return (history.events ?? []).flatMap((e) => {
    const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
    if (a === null || a === undefined) return [];
    const payload = a.input?.payloads?.[0];
    return [{ to: a.workflowExecution?.workflowId ?? '', name: a.signalName ?? '', arg: payload === undefined ? undefined : defaultPayloadConverter.fromPayload(payload) }];
  });
}

/** The epoch told `turn` the deadline `by` of `gone`, holds no entry of `gone` and still holds `stays`. */
async function expectCalledAndGone(settings: SequentialSettings, shard: number, epoch: number, c: { gone: string; turn: string; by: number; stays: string }): Promise<void> {
  const workflowId = lobbyShardWorkflowId(settings.ceremonyId, shard, epoch);
  await vi.waitFor(async () => expect(await signalsSentBy(workflowId)).toContainEqual({ to: c.turn, name: 'checkinDue', arg: { by: c.by } }), { timeout: 15_000 });
  expect(await held(settings, shard, epoch, c.gone)).toBeNull();
  expect(await held(settings, shard, epoch, c.stays)).toMatchObject({ participantId: c.stays });
}

describe('epoch phases (pure)', () => {
  const timing = { lobbyEpochMs: 60_000, lobbyEpochOverlapMs: 5_000 };

  it('hands over overlap after its end; gives a silent predecessor up 3 x overlap after its start', () => {
    expect(epochPhases(10, timing)).toEqual({ handOverAt: 665_000, predecessorGivenUpAt: 615_000 });
  });

  it('forwards back within a quarter of the grace allowance, at most every second', () => {
    expect(forwardBackEveryMs({ checkinGraceMs: 5_000 })).toBe(1_000);
    expect(forwardBackEveryMs({ checkinGraceMs: 500 })).toBe(125);
    expect(forwardBackEveryMs({ checkinGraceMs: 0 })).toBe(50);
  });

  it('the latest entry across epochs wins', () => {
    expect(latestEntry([null, entry('x', 5, 10), entry('x', 7, 9), null])).toMatchObject({ at: 7 });
    expect(latestEntry([null, null])).toBeUndefined();
  });

  it('a lookup or departure reaches the epoch of the moment, and a neighbour only near a boundary', () => {
    expect(lobbyEpochsAround(630_000, timing)).toEqual([10]);
    expect(lobbyEpochsAround(602_000, timing)).toEqual([9, 10]);
    expect(lobbyEpochsAround(657_000, timing)).toEqual([10, 11]);
    expect(lobbyEpochOf(659_999, timing)).toBe(10);
    // A departure also reaches the previous epoch while it may still be handing its table over.
    expect(lobbyEpochsForDeparture(608_000, timing)).toEqual([9, 10]);
    expect(lobbyEpochsForDeparture(611_000, timing)).toEqual([10]);
    expect(lobbyEpochsForDeparture(657_000, timing)).toEqual([10, 11]);
  });
});

describe('lobby epochs on the dev server', () => {
  it('an epoch that is over hands its table on, epoch by epoch, to the present one, and completes', async () => {
    // Epochs short enough to pass three in a test, long enough for a loaded machine's hand-overs.
    const settings = settingsWith(4_000, 500);
    const now = Date.now();
    const past = lobbyEpochOf(now, settings.timing) - 3;
    const far = now + HOUR;
    await startEpoch(settings, 1, past, [entry('aa01', now - 100, far), entry('aa02', now - 100, far)]);
    await vi.waitFor(
      async () => {
        const present = lobbyEpochOf(Date.now(), settings.timing);
        expect(await held(settings, 1, present, 'aa01')).toMatchObject({ participantId: 'aa01', deadline: far });
        expect(await held(settings, 1, present, 'aa02')).toMatchObject({ participantId: 'aa02', deadline: far });
      },
      { timeout: 20_000, interval: 200 },
    );
    await vi.waitFor(
      async () => {
        for (const epoch of [past, past + 1, past + 2]) {
          expect((await client.workflow.getHandle(lobbyShardWorkflowId(settings.ceremonyId, 1, epoch)).describe()).status.name).toBe('COMPLETED');
        }
      },
      { timeout: 20_000, interval: 200 },
    );
    // Both leave: the table empties and the chain of epochs ends.
    const at = Date.now();
    for (const epoch of lobbyEpochsForDeparture(at, settings.timing)) {
      for (const participantId of ['aa01', 'aa02']) {
        await client.workflow.getHandle(lobbyShardWorkflowId(settings.ceremonyId, 1, epoch)).signal(lobbyLeftSignal, { participantId, at }).catch(() => undefined);
      }
    }
    // The epoch of the departures ends with an empty table: nobody starts the one after the next.
    const afterNext = lobbyEpochOf(at, settings.timing) + 2;
    await sleep(afterNext * settings.timing.lobbyEpochMs + 2 * settings.timing.lobbyEpochOverlapMs - Date.now());
    await expect(client.workflow.getHandle(lobbyShardWorkflowId(settings.ceremonyId, 1, afterNext)).describe()).rejects.toThrow();
  });

  it('a batch sent to an epoch that is over (a replica far behind) reaches the present one', async () => {
    const settings = settingsWith(HOUR, 1_000);
    const present = lobbyEpochOf(Date.now(), settings.timing);
    const now = Date.now();
    await checkinsWithStart(settings, 5, present, [entry('ee02', now, now + 50_000)]);
    await checkinsWithStart(settings, 5, present - 1, [entry('ee01', now, now + 40_000)]);
    await vi.waitFor(async () => expect(await held(settings, 5, present, 'ee01')).toMatchObject({ deadline: now + 40_000 }), { timeout: 15_000 });
    expect(await held(settings, 5, present, 'ee02')).toMatchObject({ deadline: now + 50_000 });
  });

  it('departures are handed over: an older entry the next epoch holds goes, and the turn is told its deadline', async () => {
    const settings = settingsWith(HOUR, 1_000);
    const present = lobbyEpochOf(Date.now(), settings.timing);
    const now = Date.now();
    await checkinsWithStart(settings, 6, present, [entry('ff01', now - 2_000, now + 8_000), entry('ff02', now, now + 50_000)]);
    // The previous epoch saw ff01 called after that check-in; its table is empty, so it only signals.
    await (await startEpoch(settings, 6, present - 1, [], [{ participantId: 'ff01', turnWorkflowId: 'a-turn-of-ff01', at: now - 1_000 }])).result();
    await expectCalledAndGone(settings, 6, present, { gone: 'ff01', turn: 'a-turn-of-ff01', by: now + 8_000, stays: 'ff02' });
  });

  it('a hand-over does not override a newer check-in the next epoch took, and brings in the others', async () => {
    const settings = settingsWith(HOUR, 1_000);
    const present = lobbyEpochOf(Date.now(), settings.timing);
    const now = Date.now();
    await checkinsWithStart(settings, 2, present, [entry('bb01', now, now + 50_000)]);
    // The previous epoch is long over: it signals its table to the running present one.
    const previous = await startEpoch(settings, 2, present - 1, [entry('bb01', now - 5_000, now + 10_000), entry('bb02', now - 5_000, now + 20_000)]);
    await previous.result();
    await vi.waitFor(async () => expect(await held(settings, 2, present, 'bb02')).toMatchObject({ deadline: now + 20_000 }), { timeout: 15_000 });
    expect(await held(settings, 2, present, 'bb01')).toMatchObject({ at: now, deadline: now + 50_000 });
  });

  it('one who left is not brought back by an older handed-over entry, and its turn is told that deadline', async () => {
    const settings = settingsWith(HOUR, 1_000);
    const present = lobbyEpochOf(Date.now(), settings.timing);
    const now = Date.now();
    const current = await checkinsWithStart(settings, 3, present, [entry('cc02', now, now + 50_000)]);
    await current.signal(lobbyLeftSignal, { participantId: 'cc01', turnWorkflowId: 'a-turn-of-cc01', at: now });
    const previous = await startEpoch(settings, 3, present - 1, [entry('cc01', now - 1_000, now + 7_000)]);
    await previous.result();
    await expectCalledAndGone(settings, 3, present, { gone: 'cc01', turn: 'a-turn-of-cc01', by: now + 7_000, stays: 'cc02' });
  });

  it('a lookup that finds nothing around the moment asks the previous epoch, even once it has completed', async () => {
    // Shard 0: where lookUpLiveness looks for an id that is not hex, with one shard.
    const settings = settingsWith(HOUR, 1_000);
    const present = lobbyEpochOf(Date.now(), settings.timing);
    const now = Date.now();
    const previous = await startEpoch(settings, 0, present - 1, [entry('gg01', now, now + 50_000)]);
    await previous.result();
    await vi.waitFor(async () => expect(await held(settings, 0, present, 'gg01')).toMatchObject({ at: now }), { timeout: 15_000 });
    // The present epoch forgets it; the completed previous one still answers from its history.
    await client.workflow.getHandle(lobbyShardWorkflowId(settings.ceremonyId, 0, present)).signal(lobbyLeftSignal, { participantId: 'gg01', at: now + 1 });
    await vi.waitFor(async () => expect(await held(settings, 0, present, 'gg01')).toBeNull(), { timeout: 15_000 });
    if (lobbyEpochsAround(Date.now(), settings.timing).includes(present - 1)) return; // within the overlap: asked anyway
    expect(await lookUpLiveness(client, settings, 'gg01')).toMatchObject({ participantId: 'gg01', at: now, deadline: now + 50_000 });
  });

  it('sweeps an expired entry: the participant workflow is told its deadline, and the entry is gone', async () => {
    const settings = settingsWith(HOUR, 1_000);
    const present = lobbyEpochOf(Date.now(), settings.timing);
    const now = Date.now();
    const expired = now - settings.timing.checkinGraceMs - 1_000;
    const epoch = await startEpoch(settings, 4, present, [entry('dd01', now - 6_000, expired), entry('dd02', now, now + 50_000)]);
    await vi.waitFor(
      async () =>
        expect(await signalsSentBy(epoch.workflowId)).toContainEqual({
          to: participantWorkflowIdFor(settings.ceremonyId, 'dd01'),
          name: 'missedCheckin',
          arg: { deadline: expired, at: now - 6_000 },
        }),
      { timeout: 15_000 },
    );
    expect(await held(settings, 4, present, 'dd01')).toBeNull();
    expect(await held(settings, 4, present, 'dd02')).toMatchObject({ participantId: 'dd02' });
  });
  it('until the table is in, the successor forwards check-ins back to the predecessor, which sweeps with them: a fresher check-in there keeps its participant', async () => {
    const settings = settingsWith(HOUR, HOUR / 4);
    const present = lobbyEpochOf(Date.now(), settings.timing);
    const now = Date.now();
    // Both entries expire in 3 s; the predecessor (the present epoch) sweeps until it hands over.
    const soon = now + 3_000 - settings.timing.checkinGraceMs;
    const predecessor = await startEpoch(settings, 7, present, [entry('hh01', now - 5_000, soon), entry('hh02', now - 5_000, soon)]);
    // A replica whose clock runs ahead records hh02's next check-in in the next epoch.
    const successor = await checkinsWithStart(settings, 7, present + 1, [entry('hh02', now, now + HOUR)]);
    const missedBy = async (workflowId: string): Promise<string[]> =>
      (await signalsSentBy(workflowId)).filter((x) => x.name === 'missedCheckin').map((x) => x.to);
    await vi.waitFor(async () => expect(await missedBy(predecessor.workflowId)).toContain(participantWorkflowIdFor(settings.ceremonyId, 'hh01')), { timeout: 20_000 });
    expect(await missedBy(predecessor.workflowId)).not.toContain(participantWorkflowIdFor(settings.ceremonyId, 'hh02'));
    expect(await missedBy(successor.workflowId)).toEqual([]);
    expect(await held(settings, 7, present, 'hh02')).toMatchObject({ at: now, deadline: now + HOUR });
    expect(await signalsSentBy(successor.workflowId)).toContainEqual({ to: predecessor.workflowId, name: checkinsSignal.name, arg: [entry('hh02', now, now + HOUR)] });
    await Promise.all([predecessor.terminate(), successor.terminate()]);
  });

  it('an epoch started by a check-in with no predecessor running finds that out at once and sweeps', async () => {
    // Epochs of a century (this is epoch 0, from 1970): it would otherwise wait for a predecessor
    // until 3 x overlap into the epoch, 75 years here.
    const century = 100 * 365 * 24 * HOUR;
    const settings = settingsWith(century, century / 4);
    const present = lobbyEpochOf(Date.now(), settings.timing);
    const now = Date.now();
    const expired = now - settings.timing.checkinGraceMs - 1_000;
    const epoch = await checkinsWithStart(settings, 8, present, [entry('ii01', now - 6_000, expired)]);
    await vi.waitFor(async () => expect((await signalsSentBy(epoch.workflowId)).map((x) => x.name)).toContain('missedCheckin'), { timeout: 15_000 });
    const sent = await signalsSentBy(epoch.workflowId);
    expect(sent[0]).toMatchObject({ to: lobbyShardWorkflowId(settings.ceremonyId, 8, present - 1), name: checkinsSignal.name });
    expect(sent).toContainEqual({ to: participantWorkflowIdFor(settings.ceremonyId, 'ii01'), name: 'missedCheckin', arg: { deadline: expired, at: now - 6_000 } });
    expect(await held(settings, 8, present, 'ii01')).toBeNull();
    await epoch.terminate();
  });
});
