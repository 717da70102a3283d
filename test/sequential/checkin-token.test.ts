// Early check-ins answered by any API replica without Temporal (#14), on the real stack: a participant
// with others ahead gets a signed token with its answer; handed back before the deadline's second half,
// the token is the answer again even while no workflow worker runs, and the participant's workflow
// writes nothing however often it is asked. Near the head there is no token: every check-in goes to
// the participant's workflow, so the one called next learns it at once.
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

it('answers early check-ins from the token without Temporal, and gives none near the head', async () => {
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
  // No workflow worker: a query or an update could not be answered now.
  await stack.stopWorkflowWorker();
  try {
    for (let i = 0; i < 20; i += 1) {
      const again = await later.checkin();
      expect(again).toEqual(asCheckin);
    }
  } finally {
    await stack.restartWorkflowWorker();
  }
  expect(await historyLength('later')).toBe(before);

  // A token for someone else is not taken: the check-in goes to the caller's own workflow.
  const stolen = await fetch(`${stack.url}/lobby/checkin`, {
    method: 'POST',
    headers: { authorization: `Bearer ${next.token ?? ''}`, [CHECKIN_TOKEN.header]: laterAnswer.checkinToken ?? '' },
  });
  expect(stolen.status).toBe(200);
  expect(await stolen.json()).toMatchObject({ status: 'queued', waitersAhead: 1, position: nextAnswer.position });
});
