// Early check-ins answered from a signed token (#14), on the real stack: a participant with others
// ahead gets a token with its answer; handed back early, the token is the answer again (the same token:
// nothing was asked of its workflow, nothing written), however often. Once the queue moves (someone
// ahead leaves), the very next answer has the new place: the seed recalculates at every check-in. Near
// the head there is no token: every check-in goes to the participant's workflow, so the one called
// next learns it at once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHECKIN_TOKEN } from '../../api/contracts/checkin-token.js';
import { participantIdOf, participantWorkflowId } from '../../api/sequential/settings.js';
import { devParticipant } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

// Long intervals: a token stays good for many seconds, whatever the machine's speed.
const timing = { minCheckinIntervalMs: 120_000, initialRoundTripMs: 600_000, computeDeadlineMs: 1_200_000 };
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }], sequential: timing }, auth: { rateLimits: { enabled: false } }, api: { checkinTokenTtlMs: 600_000 } });
});

afterAll(async () => {
  await stack?.stop();
});

const historyLength = async (name: string): Promise<number> =>
  (await stack.env.client.workflow.getHandle(participantWorkflowId(stack.cfg.ceremony.id, participantIdOf(`dev|${name}`))).fetchHistory()).events?.length ?? 0;

it('answers early check-ins from the token until the queue moves, and gives none near the head', async () => {
  const holder = await devParticipant(stack.url, 'holder');
  expect((await holder.enter()).status).toBe('ready');
  await holder.start();
  const next = await devParticipant(stack.url, 'next');
  const later = await devParticipant(stack.url, 'later');
  const nextAnswer = await next.enter();
  const laterAnswer = await later.enter();
  // One ahead (the turn running): no token. Two ahead: a token.
  expect(nextAnswer).toMatchObject({ status: 'queued', waitersAhead: 1 });
  expect(nextAnswer.checkinToken).toBeUndefined();
  expect(laterAnswer).toMatchObject({ status: 'queued', waitersAhead: 2 });
  expect(laterAnswer.checkinToken).toMatch(/^v1\./);

  // The enter answer again, as a check-in answers it (without the participant id).
  const { participantId: _id, ...asCheckin } = laterAnswer as typeof laterAnswer & { participantId?: string };
  const before = await historyLength('later');
  for (let i = 0; i < 20; i += 1) {
    // The very token it handed back: the answer came from it, not from the workflows.
    expect(await later.checkin()).toEqual(asCheckin);
  }
  expect(await historyLength('later')).toBe(before);

  // The queue moves: the one ahead leaves, and the next answer says so.
  const third = await devParticipant(stack.url, 'third');
  const thirdAnswer = await third.enter();
  expect(thirdAnswer).toMatchObject({ waitersAhead: 3 });
  expect((await next.leave()).status).toBe('idle');
  expect(await later.checkin()).toMatchObject({ status: 'queued', position: laterAnswer.position - 1, waitersAhead: 1 });
  expect(await third.checkin()).toMatchObject({ status: 'queued', position: thirdAnswer.position - 1, waitersAhead: 2 });

  // A token for someone else is not taken: the check-in goes to the caller's own workflow.
  const stolen = await fetch(`${stack.url}/lobby/checkin`, {
    method: 'POST',
    headers: { authorization: `Bearer ${third.token ?? ''}`, [CHECKIN_TOKEN.header]: laterAnswer.checkinToken ?? '' },
  });
  expect(stolen.status).toBe(200);
  expect(await stolen.json()).toMatchObject({ status: 'queued', waitersAhead: 2, position: thirdAnswer.position - 1 });
});

it('places those who joined after the replica read its lineup as the ceremony does (a join keeps the lineup)', async () => {
  const joined: Array<{ token: string; position: number; waitersAhead: number }> = [];
  for (const name of ['j1', 'j2', 'j3', 'j4']) {
    const c = await devParticipant(stack.url, name);
    const answer = await c.enter();
    joined.push({ token: c.token ?? '', position: answer.position, waitersAhead: answer.waitersAhead });
  }
  expect(joined.map((j) => j.position - (joined[0]?.position ?? 0))).toEqual([0, 1, 2, 3]);
  // At once and without a token: the lineup this replica read before these joins may lack them; the
  // place is then the ceremony's own answer. Either way it is the one the enter gave.
  for (const j of joined) {
    const res = await fetch(`${stack.url}/lobby/checkin`, { method: 'POST', headers: { authorization: `Bearer ${j.token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'queued', position: j.position, waitersAhead: j.waitersAhead });
  }
});
