// Finalisation through the coordinator (issue #10, item 6), on the real stack: an admin announces the
// beacon before its value exists, closes the lobby (no new joins), and once the queue has drained
// finalises with the value; the coordinator computes, verifies and appends the beacon contribution,
// records every step, and `ceremony verify` recomputes the beacon. Each step out of order is refused.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runContributor } from '../../client/contributor.js';
import { ParticipantClient } from '../../client/participant-client.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { beaconPubkeys } from '../../engine/beacon/beacon.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { checkBeacon, type PublishedBeacon } from '../../evidence/verify-ceremony.js';
import { ceremonyCli } from '../helpers/cli.js';
import { devParticipant } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const BEACON = `0x${'ab'.repeat(32)}`;
const ITERATIONS = 64;

let stack: TestStack;
let engine: Engine;
let adminToken: string;

beforeAll(async () => {
  stack = await startTestStack({
    ceremony: { sizes: [{ numG1Powers: 16, numG2Powers: 4 }], sequential: { minCheckinIntervalMs: 1_000, checkinGraceMs: 3_000, initialRoundTripMs: 1_000 } },
    auth: { admins: ['dev|root'], rateLimits: { enabled: false } },
  });
  engine = await createEngine({ threads: 0 });
  adminToken = (await devParticipant(stack.url, 'root')).token ?? '';
});

afterAll(async () => {
  await engine?.close();
  await stack?.stop();
});

async function admin(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(path, stack.url), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function info(): Promise<{ phase: { phase: string; beacon?: PublishedBeacon } }> {
  return (await (await fetch(new URL('/ceremony/info', stack.url))).json()) as { phase: { phase: string; beacon?: PublishedBeacon } };
}

describe('finalisation with an announced beacon', () => {
  it('announce, close, drain, finalise: the beacon contribution is the last, recorded, and ceremony verify recomputes it', async () => {
    for (const name of ['ada', 'bea']) expect((await runContributor({ url: stack.url, engine, name })).receiptValid).toBe(true);
    expect((await info()).phase).toEqual({ phase: 'open' });

    // Out of order: finalise before anything, with a value that is no hex.
    expect(await admin('/admin/finalise', { beaconValueHex: BEACON })).toMatchObject({ status: 409, body: { code: 'PHASE_CONFLICT' } });
    expect(await admin('/admin/finalise', { beaconValueHex: 'not hex' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });

    const announced = await admin('/admin/beacon', { source: 'the hash of test block 1, not yet mined', iterations: ITERATIONS });
    expect(announced).toMatchObject({ status: 200, body: { phase: 'open', beacon: { announcement: { source: 'the hash of test block 1, not yet mined', iterations: ITERATIONS } } } });
    // An announcement cannot change once made.
    expect(await admin('/admin/beacon', { source: 'another source', iterations: 1 })).toMatchObject({ status: 409, body: { code: 'PHASE_CONFLICT' } });
    expect(await admin('/admin/beacon', { source: 'too slow for the coordinator', iterations: 2 ** 24 + 1 })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    // Still open: close first.
    expect(await admin('/admin/finalise', { beaconValueHex: BEACON })).toMatchObject({ status: 409, body: { code: 'PHASE_CONFLICT' } });

    expect(await admin('/admin/close', { reason: 'enough contributions' })).toMatchObject({ status: 200, body: { phase: 'closed', closedReason: 'enough contributions' } });
    expect(await admin('/admin/close', { reason: 'again' })).toMatchObject({ status: 409, body: { code: 'PHASE_CONFLICT' } });
    const late = await devParticipant(stack.url, 'late');
    await expect(late.enter()).rejects.toMatchObject({ code: 'CEREMONY_CLOSED' });

    // Once the last turn has been taken in (the contributor may have its receipt a moment before).
    await vi.waitFor(async () => expect((await (await fetch(new URL('/ceremony/status', stack.url))).json()) as Record<string, unknown>).toMatchObject({ contributing: null, queueLength: 0 }), {
      timeout: 30_000,
      interval: 200,
    });
    const final = await admin('/admin/finalise', { beaconValueHex: BEACON });
    expect(final).toMatchObject({ status: 200, body: { phase: 'final', beacon: { final: { beaconValueHex: BEACON, iterations: ITERATIONS, sequence: 3 } } } });
    expect(await admin('/admin/finalise', { beaconValueHex: BEACON })).toMatchObject({ status: 409, body: { code: 'PHASE_CONFLICT' } });

    // The transcript and the ceremony's information show the final state.
    const published = await info();
    expect(published.phase).toMatchObject({ phase: 'final', beacon: { final: { sequence: 3 } } });
    const transcript = parseBatchTranscript(await new ParticipantClient(stack.url).transcript());
    expect(transcript.participantIds).toHaveLength(4);
    expect(transcript.participantIds[3]).toBe('');
    expect((await fetch(new URL('/transcript/3', stack.url))).status).toBe(200);

    // Every step is a record, chained in the ledger.
    await vi.waitFor(
      async () => {
        const records = (await (await fetch(new URL('/records', stack.url))).json()) as { items: Array<{ kind: string; record: string }> };
        const kinds = records.items.map((r) => r.kind);
        for (const kind of ['beacon-announced', 'lobby-closed', 'beacon']) expect(kinds).toContain(kind);
      },
      { timeout: 30_000, interval: 250 },
    );

    const verified = await ceremonyCli(['verify', '--url', stack.url, '--records', '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, transcript: { contributions: 3 }, beacon: { sequence: 3, iterations: ITERATIONS } });

    // A beacon that does not match its announcement, or another value: BEACON_MISMATCH.
    const beacon = published.phase.beacon as PublishedBeacon;
    const count = transcript.transcripts.length;
    expect(checkBeacon(transcript, beacon, beaconPubkeys(engine, { beaconValueHex: BEACON, iterations: ITERATIONS }, count))).toEqual({ sequence: 3 });
    expect(checkBeacon(transcript, { ...beacon, announcement: { ...beacon.announcement, iterations: ITERATIONS + 1 } }, [])).toMatchObject({ code: 'BEACON_MISMATCH' });
    expect(checkBeacon(transcript, beacon, beaconPubkeys(engine, { beaconValueHex: `0x${'cd'.repeat(32)}`, iterations: ITERATIONS }, count))).toMatchObject({ code: 'BEACON_MISMATCH' });
  }, 180_000);
});
