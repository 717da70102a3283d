// The sequential ceremony's state and rules (workflows/sequential/ceremony-state.ts), without Temporal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { participantIdOf } from '../../api/sequential/settings.js';
import {
  QUEUE_CAPACITY,
  applyOutcome,
  averageRoundTripMs,
  carryCeremonyState,
  dequeue,
  enqueue,
  finaliseRefusal,
  lineupOf,
  newCeremonyState,
  queueMarkOf,
  openNextTurn,
  resumeCeremonyState,
  whereabouts,
  whereaboutsIn,
  type CeremonyState,
} from '../../workflows/sequential/ceremony-state.js';

const timing = { initialRoundTripMs: 60_000, roundTripWindow: 3 };
const entry = (n: string) => ({ participantId: n, identity: `dev|${n}` });
const wfId = (turnId: string) => `wf-${turnId}`;

function withQueue(...names: string[]): CeremonyState {
  const s = newCeremonyState();
  for (const n of names) expect(enqueue(s, null, entry(n))).toBeUndefined();
  return s;
}

describe('the queue', () => {
  it('takes each participant once, in join order', () => {
    const s = withQueue('a', 'b');
    expect(enqueue(s, null, entry('a'))).toBeUndefined();
    expect(s.queue.map((e) => e.participantId)).toEqual(['a', 'b']);
  });

  it('does not queue the participant holding the turn again', () => {
    const s = withQueue('a');
    const turn = openNextTurn(s, 1_000, wfId);
    expect(enqueue(s, turn ?? null, entry('a'))).toBeUndefined();
    expect(s.queue).toEqual([]);
  });

  it('refuses joins once closed or full', () => {
    const closed = withQueue();
    closed.phase = { phase: 'closed' };
    expect(enqueue(closed, null, entry('a'))?.code).toBe('CEREMONY_CLOSED');
    const full = newCeremonyState();
    for (let i = 0; i < QUEUE_CAPACITY; i += 1) full.queue.push(entry(String(i)));
    expect(enqueue(full, null, entry('late'))).toMatchObject({ code: 'CEREMONY_CLOSED', message: expect.stringMatching(/full/) });
  });

  it('places a participant: position, waiters ahead (the running turn included), the running turn start', () => {
    const s = withQueue('a', 'b', 'c');
    const turn = openNextTurn(s, 5_000, wfId) ?? null;
    expect(turn).toMatchObject({ participantId: 'a', turnId: 'turn-1', turnWorkflowId: 'wf-turn-1', startedAt: 5_000 });
    expect(whereabouts(s, turn, 'a', timing)).toEqual({ kind: 'turn', turnId: 'turn-1' });
    expect(whereabouts(s, turn, 'c', timing)).toEqual({ kind: 'queue', place: { position: 2, waitersAhead: 2, averageRoundTripMs: 60_000, turnStartedAt: 5_000 } });
    expect(whereabouts(s, null, 'b', timing)).toEqual({ kind: 'queue', place: { position: 1, waitersAhead: 0, averageRoundTripMs: 60_000 } });
    expect(whereabouts(s, turn, 'z', timing)).toEqual({ kind: 'absent' });
  });

  it('a lineup places everyone as the ceremony does, and its mark fields move with every departure and turn', () => {
    type Step = { kind: 'join' | 'leave' | 'miss' | 'drop' | 'turn' | 'finish' | 'pause'; who: number };
    const stepArb = fc.record({ kind: fc.constantFrom<Step['kind']>('join', 'join', 'join', 'leave', 'miss', 'drop', 'turn', 'finish', 'pause'), who: fc.nat(12) });
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const s = newCeremonyState();
        let running: ReturnType<typeof openNextTurn> | null = null;
        let at = 1_000;
        for (const step of steps) {
          at += 1_000;
          const id = `p${step.who}`;
          const before = lineupOf(s, running, timing, 'run-1');
          if (step.kind === 'join') enqueue(s, running, entry(id));
          else if (step.kind === 'leave') dequeue(s, id, 'left');
          else if (step.kind === 'miss') dequeue(s, id, 'missed-checkin');
          else if (step.kind === 'drop') dequeue(s, id, 'dropped');
          else if (step.kind === 'pause') s.phase = s.phase.phase === 'open' ? { phase: 'paused', pausedReason: 'test' } : { phase: 'open' };
          else if (step.kind === 'turn' && running === null) running = openNextTurn(s, at, wfId) ?? null;
          else if (step.kind === 'finish' && running !== null) {
            applyOutcome(s, { kind: 'accepted', turnId: running.turnId, participantId: running.participantId, finishedAt: at, roundTripMs: 5_000 + at }, timing);
            running = null;
          }
          const after = lineupOf(s, running, timing, 'run-1');
          // A place changes only with the mark, or for the one who joined (at the back).
          const index = new Map(after.queue.map((q, i) => [q, i]));
          const indexBefore = new Map(before.queue.map((q, i) => [q, i]));
          for (let n = 0; n <= 12; n += 1) {
            const p = `p${n}`;
            const read = whereaboutsIn(after, p, (q) => index.get(q) ?? -1);
            expect(read).toEqual(whereabouts(s, running, p, timing));
            const earlier = whereaboutsIn(before, p, (q) => indexBefore.get(q) ?? -1);
            if (queueMarkOf(before) === queueMarkOf(after) && earlier.kind !== 'absent') expect(read).toEqual(earlier);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts removals by reason', () => {
    const s = withQueue('a', 'b', 'c');
    expect(dequeue(s, 'b', 'missed-checkin')).toBe(true);
    expect(dequeue(s, 'b', 'left')).toBe(false);
    expect(dequeue(s, 'c', 'left')).toBe(true);
    expect(s.stats).toMatchObject({ removedForMissedCheckin: 1, leftQueue: 1 });
    expect(s.queue.map((e) => e.participantId)).toEqual(['a']);
  });
});

describe('outcomes', () => {
  it('moves the head on acceptance and averages the latest round trips', () => {
    const s = withQueue();
    expect(averageRoundTripMs(s, timing)).toBe(60_000);
    const head = { sequence: 1, transcriptKey: 'k', transcriptSha256: 'h', powersKey: 'p' };
    for (const [i, rt] of [10_000, 20_000, 30_000, 40_000].entries()) {
      applyOutcome(s, { kind: 'accepted', turnId: `t${i}`, participantId: 'p', head: { ...head, sequence: i + 1 }, roundTripMs: rt, finishedAt: i, recordKey: `r${i}` }, timing);
    }
    expect(averageRoundTripMs(s, timing)).toBe(30_000);
    expect(s.head?.sequence).toBe(4);
    expect(s.lastRecordKey).toBe('r3');
    expect(s.stats).toMatchObject({ accepted: 4, turns: 4 });
    applyOutcome(s, { kind: 'start-missed', turnId: 't9', participantId: 'q', finishedAt: 9 }, timing);
    expect(s.stats).toMatchObject({ startMissed: 1, turns: 5 });
    expect(s.head?.sequence).toBe(4);
  });
});

describe('finalising', () => {
  it('is refused until closed, announced and drained', () => {
    const s = withQueue('a');
    s.head = { sequence: 1, transcriptKey: 'k', transcriptSha256: 'h', powersKey: 'p' };
    expect(finaliseRefusal(s, null, false, false)).toMatch(/close the lobby/);
    s.phase = { phase: 'closed' };
    expect(finaliseRefusal(s, null, false, false)).toMatch(/announce the beacon/);
    s.phase = { phase: 'closed', beacon: { announcement: { source: 'block 1', iterations: 1, announcedAt: 0, recordKey: 'r' } } };
    expect(finaliseRefusal(s, null, false, false)).toMatch(/not drained/);
    s.queue = [];
    expect(finaliseRefusal(s, null, false, false)).toBeUndefined();
    expect(finaliseRefusal(s, null, true, false)).toMatch(/already being finalised/);
  });
});

describe('continue-as-new', () => {
  it('carries a full queue of the longest identities in under 1.5 MB, and resumes it unchanged', () => {
    const s = newCeremonyState();
    for (let i = 0; i < QUEUE_CAPACITY; i += 1) {
      // `dev|` and a 64-character name: the longest identity a login yields.
      const identity = `dev|${'n'.repeat(60)}${String(i).padStart(4, '0')}`;
      s.queue.push({ participantId: participantIdOf(identity), identity });
    }
    const carried = JSON.stringify(carryCeremonyState(s));
    expect(Buffer.byteLength(carried)).toBeLessThan(1.5 * 1024 * 1024);
    expect(resumeCeremonyState(JSON.parse(carried) as ReturnType<typeof carryCeremonyState>)).toEqual(s);
  });
});
