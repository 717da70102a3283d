// One participant through the whole sequential flow on the real stack: login, enter (empty queue:
// ready at once), start, contribute with the engine, complete, receipt, transcript.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { verifyReceipt } from '../../evidence/receipt.js';
import { ParticipantClient } from '../../client/participant-client.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  stack = await startTestStack({ ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }, { numG1Powers: 16, numG2Powers: 4 }] } });
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

it('takes one contribution end to end and issues a receipt that verifies', async () => {
  const alice = new ParticipantClient(stack.url);
  await alice.loginDev('alice');
  const entered = await alice.enter();
  expect(entered.status).toBe('ready');
  expect(entered.position).toBe(0);
  const started = await alice.start();
  expect(started.sequence).toBe(1);
  const contribution = await contribute(engine, parseBatchContribution(started.powers));
  const done = await alice.complete(serializeBatchContribution(contribution));
  expect(done.outcome).toBe('accepted');
  expect(done.sequence).toBe(1);

  const info = await alice.info();
  const check = await verifyReceipt(done.receipt, info.receiptKeys.keys);
  expect(check.valid).toBe(true);
  const stored = await alice.receipt(done.receiptId);
  expect(stored).toEqual(done.receipt);

  const transcript = parseBatchTranscript(await alice.transcript());
  expect(transcript.participantIds).toHaveLength(2);
  await verifyTranscript(engine, transcript);
  const initial = parseBatchTranscript(await alice.transcript(0));
  expect(initial.participantIds).toHaveLength(1);

  // One contribution per identity.
  await expect(alice.enter()).rejects.toMatchObject({ status: 409, code: 'ALREADY_CONTRIBUTED' });
});
