// One participant through the whole sequential flow on the real stack: login, enter (empty queue:
// ready at once), start, contribute with the engine, complete, receipt, transcript.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ceremonyCli } from '../helpers/cli.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { contribute } from '../../engine/ops/contribute.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { verifyReceipt } from '../../evidence/receipt.js';
import { ParticipantClient } from '../../client/participant-client.js';
import { participantIdOf, participantWorkflowId } from '../../api/sequential/settings.js';
import { PARTICIPANT_SETTINGS_KEYS } from '../../workflows/sequential/types.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let engine: Engine;

beforeAll(async () => {
  stack = await startTestStack({
    ceremony: {
      sizes: [
        { numG1Powers: 8, numG2Powers: 3 },
        { numG1Powers: 16, numG2Powers: 4 },
      ],
    },
  });
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

  // #13: the ceremony's own figures on /metrics, as the workflows answer them.
  const metrics = await (await fetch(`${stack.url}/metrics`)).text();
  expect(metrics).toContain('ceremony_status_up 1');
  expect(metrics).toContain('ceremony_turns{outcome="accepted"} 1');
  expect(metrics).toContain('ceremony_contributions 1');
  expect(metrics).toContain('ceremony_phase{phase="open"} 1');
  // Counted from the acceptance a moment ago: a few seconds at most, never the default 0 of an unset gauge.
  const since = Number(/^ceremony_seconds_since_last_accepted (\S+)$/m.exec(metrics)?.[1]);
  expect(since).toBeGreaterThan(0);
  expect(since).toBeLessThan(600);
  expect(metrics).not.toContain('ceremony_rounds_completed');

  // #13: operators filter the Temporal UI by the ceremony's search attributes, and read a summary.
  const listed = async (query: string): Promise<string[]> => {
    const ids: string[] = [];
    for await (const w of stack.env.client.workflow.list({ query })) ids.push(w.workflowId);
    return ids;
  };
  await vi.waitFor(
    async () => {
      expect(await listed(`CeremonyId = 'main' AND TurnOutcome = 'accepted'`)).toEqual(['ceremony-main-turn-1']);
      expect(await listed(`ParticipantIdentity = 'dev|alice' AND WorkflowType = 'participantWorkflow'`)).toHaveLength(1);
      expect(await listed(`CeremonyId = 'main' AND CeremonyMode = 'sequential'`)).toEqual(['ceremony-main']);
    },
    { timeout: 30_000, interval: 500 },
  );
  expect((await stack.env.client.workflow.getHandle('ceremony-main-turn-1').describe()).memo).toEqual({ summary: 'Turn turn-1: contribution 1 by dev|alice' });

  // Issue #10: the receipt verifies with the public's one command, against the pinned key.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'happy-receipt-'));
  try {
    const file = path.join(dir, 'receipt.json');
    await writeFile(file, JSON.stringify(done.receipt));
    const fingerprint = (info as unknown as { receiptKeyFingerprints: string[] }).receiptKeyFingerprints[0] ?? '';
    const verified = await ceremonyCli(['verify', '--url', stack.url, '--receipt', file, '--key', fingerprint, '--records', '--json']);
    expect(verified.code, verified.stderr + verified.stdout).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, receipts: [{ kind: 'turn', identity: 'dev|alice', position: 1 }] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it("starts a participant's workflow with the settings it needs, not the ceremony's sizes", async () => {
  const events = (await stack.env.client.workflow.getHandle(participantWorkflowId(stack.cfg.ceremony.id, participantIdOf('dev|alice'))).fetchHistory()).events ?? [];
  const payload = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  const input = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8')) as { settings: Record<string, unknown> };
  expect(Object.keys(input.settings).sort()).toEqual([...PARTICIPANT_SETTINGS_KEYS].sort());
  expect(input.settings).not.toHaveProperty('sizes');
});
