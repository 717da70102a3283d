// Queries, signals and updates carry descriptions (#13 item 4): every workflow of both modes, started
// on the real dev server by the real stack, answers the built-in `__temporal_workflow_metadata` query
// (what the Temporal UI shows) with a non-empty description for each of its handlers, and together
// they cover every message definition the messages modules declare, each with the description
// declared beside it.
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoundsClient } from '../../client/rounds-client.js';
import { waitFor } from '../../common/child-process.js';
import { participantIdOf } from '../../api/sequential/settings.js';
import { pulseWorkflowId, beatSignal, pulseStateQuery } from '../../workflows/availability/coordinator-pulse.js';
import { recordsLedgerWorkflowId, recordsIndexQuery, recordWrittenSignal } from '../../workflows/evidence/records-ledger.js';
import { describedBy } from '../../workflows/message-descriptions.js';
import * as roundsMessages from '../../workflows/rounds/messages.js';
import * as sequentialMessages from '../../workflows/sequential/messages.js';
import { ceremonyWorkflowIdFor, participantWorkflowIdFor } from '../../workflows/sequential/ids.js';
import { turnWorkflowIdFor } from '../../workflows/sequential/index.js';
import { devParticipant } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

interface HandlerDefinition {
  name: string;
  description?: string;
}
interface WorkflowMetadata {
  definition?: { type?: string; queryDefinitions?: HandlerDefinition[]; signalDefinitions?: HandlerDefinition[]; updateDefinitions?: HandlerDefinition[] };
}
type Kind = 'query' | 'signal' | 'update';

/** What one running workflow says of its handlers, the SDK's own (`__…`) left out. */
async function handlersOf(client: Client, workflowId: string): Promise<Array<{ workflow: string; kind: Kind; name: string; description: string }>> {
  const metadata = await client.workflow.getHandle(workflowId).query<WorkflowMetadata>('__temporal_workflow_metadata');
  const d = metadata.definition ?? {};
  const workflow = d.type ?? workflowId;
  const list = (kind: Kind, defs: HandlerDefinition[] | undefined) =>
    (defs ?? []).filter((h) => !h.name.startsWith('__')).map((h) => ({ workflow, kind, name: h.name, description: h.description ?? '' }));
  return [...list('query', d.queryDefinitions), ...list('signal', d.signalDefinitions), ...list('update', d.updateDefinitions)];
}

const kindOf = (def: { type: string }): Kind => (def.type === 'query' ? 'query' : def.type === 'signal' ? 'signal' : 'update');
/** Every exported definition of a module (the messages modules also export functions and constants). */
function definitionsOf(module: Record<string, unknown>): Array<{ type: string; name: string }> {
  return Object.values(module).filter(
    (v): v is { type: string; name: string } => typeof v === 'object' && v !== null && 'type' in v && 'name' in v && ['query', 'signal', 'update'].includes(String((v as { type: unknown }).type)),
  );
}

const seen: Array<{ workflow: string; kind: Kind; name: string; description: string }> = [];

describe('sequential mode', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }], sequential: { checkinGraceMs: 600_000, startWindowMs: 600_000 } },
      auth: { rateLimits: { enabled: false } },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('the ceremony, a participant, its turn, the records ledger and the pulse describe every handler', async () => {
    const id = stack.cfg.ceremony.id;
    const holder = await devParticipant(stack.url, 'described');
    expect((await holder.enter()).status).toBe('ready');
    const turnId = await waitFor(
      'the turn',
      async () => {
        const current = (await stack.gateway.snapshot(0)).current;
        if (current === null) throw new Error('no turn yet');
        return current.turnId;
      },
      60_000,
    );
    const client = stack.env.client;
    const check = async (workflowId: string): Promise<void> => {
      const handlers = await waitFor(`the metadata of ${workflowId}`, () => handlersOf(client, workflowId), 60_000);
      expect(handlers.length, workflowId).toBeGreaterThan(0);
      for (const h of handlers) expect(h.description.trim(), `${h.workflow}: ${h.kind} ${h.name}`).not.toBe('');
      seen.push(...handlers);
    };
    for (const workflowId of [ceremonyWorkflowIdFor(id), participantWorkflowIdFor(id, participantIdOf('dev|described')), turnWorkflowIdFor(id, turnId)]) await check(workflowId);
    // The records ledger starts with the first record: the turn given up is one.
    await holder.start();
    await holder.abort();
    for (const workflowId of [recordsLedgerWorkflowId(id), pulseWorkflowId(id)]) await check(workflowId);
  });
});

describe('rounds mode', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      ceremony: {
        mode: 'rounds',
        rounds: { numG1Powers: 8, numG2Powers: 3, chunkCount: 2, contributorsPerRound: 1, verification: 'coordinator', heartbeatTimeoutMs: 600_000, slowTaskTimeoutMs: 600_000 },
      },
      auth: { rateLimits: { enabled: false } },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('the rounds ceremony and a round describe every handler', async () => {
    const joiner = new RoundsClient(stack.url);
    await joiner.loginDev('described');
    await joiner.join();
    const status = await waitFor(
      'a round',
      async () => {
        const s = await joiner.status();
        if (s.current === null) throw new Error('no round yet');
        return s;
      },
      60_000,
    );
    for (const workflowId of [`ceremony-${stack.cfg.ceremony.id}`, status.current?.workflowId ?? '']) {
      const handlers = await waitFor(`the metadata of ${workflowId}`, () => handlersOf(stack.env.client, workflowId), 60_000);
      expect(handlers.length, workflowId).toBeGreaterThan(0);
      for (const h of handlers) expect(h.description.trim(), `${h.workflow}: ${h.kind} ${h.name}`).not.toBe('');
      seen.push(...handlers);
    }
  });
});

it('every declared message definition has a handler that shows the description declared beside it', () => {
  const declared = [...definitionsOf(sequentialMessages), ...definitionsOf(roundsMessages), beatSignal, pulseStateQuery, recordWrittenSignal, recordsIndexQuery];
  expect(declared.length).toBeGreaterThan(45);
  const missing = declared.filter((def) => !seen.some((h) => h.kind === kindOf(def) && h.name === def.name && h.description === describedBy(def).description));
  expect(missing.map((def) => `${def.type} ${def.name}`)).toEqual([]);
});
