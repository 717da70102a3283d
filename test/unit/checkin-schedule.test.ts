// The seed's check-in schedule (seed 002, "Waiting in the Lobby / Coordinator"), checked against the
// pure functions in workflows/sequential/checkin-schedule.ts at the seed's default durations:
//   - "The initial check-in deadline will be 2 hours prior to the estimated start time."
//   - "They will continue with check-ins at an interval of 1 hour or half the expected wait time,
//     whichever is smaller."
//   - "While the wait time is less than 1 hour, the deadline will be halved at each check-in call, to
//     a minimum of 5 seconds."
//   - "the participant at the head of the queue will poll at 5 second intervals".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequentialTimingSchema } from '../../common/ceremony-config.js';
import { expectedWait, lobbyAnswer, nextCheckin } from '../../workflows/sequential/checkin-schedule.js';
import type { SequentialTiming } from '../../workflows/sequential/types.js';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const NOW = 1_700_000_000_000;

const timing: SequentialTiming = sequentialTimingSchema.parse({});

/** The gap until the next check-in. */
function gap(expectedWaitMs: number, previousIntervalMs: number | undefined, atHead = false, t: SequentialTiming = timing): number {
  const r = nextCheckin(t, { now: NOW, expectedWaitMs, previousIntervalMs, atHead });
  return r.deadline - NOW;
}

describe('the seed defaults', () => {
  it('are 2 h lead, 1 h maximum interval, halving below 1 h, 5 s floor', () => {
    expect(timing).toMatchObject({ firstCheckinLeadMs: 2 * H, maxCheckinIntervalMs: 1 * H, halvingBelowWaitMs: 1 * H, minCheckinIntervalMs: 5 * S });
  });
});

describe('the first check-in', () => {
  it('is due 2 h before the estimated start when the wait is long', () => {
    for (const wait of [3 * H + 1, 4 * H, 10 * H, 48 * H, 30 * 24 * H]) {
      expect(gap(wait, undefined), `wait ${wait / H} h`).toBe(wait - 2 * H);
    }
  });

  it('is due 2 h before the estimated start also when that comes sooner than the regular interval', () => {
    // Between 2 h and 3 h of wait, "2 h before the start" is less than min(1 h, wait / 2) away.
    expect(gap(2.5 * H, undefined)).toBe(30 * M);
    expect(gap(2 * H + 10 * M, undefined)).toBe(10 * M);
    expect(gap(3 * H, undefined)).toBe(1 * H);
  });

  it('is never sooner than the 5 s floor, even when the 2 h mark is a moment away', () => {
    expect(gap(2 * H + 1, undefined)).toBe(5 * S);
    expect(gap(2 * H + 4 * S, undefined)).toBe(5 * S);
    expect(gap(2 * H + 6 * S, undefined)).toBe(6 * S);
  });

  it('follows min(1 h, half the wait) when the start is 2 h away or less', () => {
    expect(gap(2 * H, undefined)).toBe(1 * H);
    expect(gap(90 * M, undefined)).toBe(45 * M);
    expect(gap(30 * M, undefined)).toBe(15 * M);
    expect(gap(2 * M, undefined)).toBe(1 * M);
    expect(gap(8 * S, undefined)).toBe(5 * S);
    expect(gap(0, undefined)).toBe(5 * S);
  });
});

describe('later check-ins while the wait is 1 h or more', () => {
  it('come every min(1 h, half the expected wait)', () => {
    expect(gap(10 * H, 1 * H)).toBe(1 * H);
    expect(gap(3 * H, 1 * H)).toBe(1 * H);
    expect(gap(2 * H, 1 * H)).toBe(1 * H);
    expect(gap(90 * M, 1 * H)).toBe(45 * M);
    expect(gap(1 * H, 45 * M)).toBe(30 * M);
  });

  it('do not halve: a long wait after short intervals goes back to min(1 h, wait / 2)', () => {
    expect(gap(5 * H, 5 * S)).toBe(1 * H);
    expect(gap(80 * M, 10 * S)).toBe(40 * M);
  });

  it('follow a participant from far back to its start when the queue moves as estimated', () => {
    const estimatedStart = 12 * H;
    let t = 0;
    let previous: number | undefined;
    const gaps: number[] = [];
    while (estimatedStart - t > 0) {
      const r = nextCheckin(timing, { now: t, expectedWaitMs: estimatedStart - t, previousIntervalMs: previous });
      const g = r.deadline - t;
      if (estimatedStart - t >= 10 * S) expect(r.deadline).toBeLessThanOrEqual(estimatedStart);
      gaps.push(g);
      previous = r.intervalMs;
      t = r.deadline;
    }
    // 2 h before the start; then 1 h; then half the wait (30 min) at the 1 h mark; then halving.
    expect(gaps.slice(0, 6)).toEqual([10 * H, 1 * H, 30 * M, 15 * M, 7.5 * M, 3.75 * M]);
    expect(gaps.at(-1)).toBe(5 * S);
    for (let i = 3; i < gaps.length; i += 1) expect(gaps[i]).toBe(Math.max(5 * S, Math.floor((gaps[i - 1] as number) / 2)));
  });
});

describe('below 1 h of wait, each check-in halves the interval down to 5 s', () => {
  it('halves the previous interval at every check-in, to the floor, and stays there', () => {
    // The queue does not move (the wait stays at 50 min): only the halving shortens the interval.
    const wait = 50 * M;
    let previous = gap(wait, 1 * H);
    expect(previous).toBe(25 * M); // half the wait, which is also below half of the previous 1 h
    const seen = [previous];
    for (let i = 0; i < 20; i += 1) {
      const next = gap(wait, previous);
      seen.push(next);
      expect(next).toBe(Math.max(5 * S, Math.floor(previous / 2)));
      previous = next;
    }
    expect(seen.slice(0, 5)).toEqual([25 * M, 12.5 * M, 6.25 * M, 187_500, 93_750]);
    expect(seen.at(-1)).toBe(5 * S);
    expect(seen.indexOf(5 * S)).toBeGreaterThan(0);
  });

  it('never asks for a check-in after the estimated start while the queue moves as estimated', () => {
    let wait = 59 * M;
    let previous: number | undefined = 1 * H;
    for (let i = 0; i < 30 && wait > 0; i += 1) {
      const g = gap(wait, previous);
      if (wait >= 10 * S) expect(g).toBeLessThanOrEqual(wait / 2);
      expect(g).toBeGreaterThanOrEqual(5 * S);
      previous = g;
      wait -= g;
    }
  });

  it('reaches 5 s from the longest interval in a bounded number of check-ins', () => {
    let previous = 1 * H;
    let count = 0;
    while (previous > 5 * S) {
      previous = gap(59 * M, previous);
      count += 1;
    }
    expect(previous).toBe(5 * S);
    expect(count).toBeLessThanOrEqual(10); // 3600 s → 5 s is under 2^10
  });
});

describe('the head of the queue', () => {
  it('polls at the 5 s floor while the participant ahead computes, whatever the average round trip', () => {
    for (const roundTrip of [1 * S, 60 * S, 3 * M, 20 * M, 2 * H]) {
      expect(gap(expectedWait(roundTrip, 1), undefined, true), `first, round trip ${roundTrip}`).toBe(5 * S);
      expect(gap(expectedWait(roundTrip, 1), 30 * M, true), `later, round trip ${roundTrip}`).toBe(5 * S);
    }
  });

  it('polls at the floor when nobody is ahead', () => {
    expect(gap(expectedWait(60 * S, 0), undefined)).toBe(5 * S);
    expect(gap(expectedWait(60 * S, 0), 1 * H)).toBe(5 * S);
  });

  it('uses the configured floor', () => {
    const fast = { ...timing, minCheckinIntervalMs: 1 * S };
    expect(gap(expectedWait(60 * S, 1), undefined, true, fast)).toBe(1 * S);
    expect(gap(0, 30 * S, false, fast)).toBe(1 * S);
  });
});

describe('the expected wait', () => {
  it('is the average round trip times the waiters ahead', () => {
    expect(expectedWait(60_000, 0)).toBe(0);
    expect(expectedWait(60_000, 3)).toBe(180_000);
    expect(expectedWait(1_234.6, 1)).toBe(1_235);
  });
});

describe('properties', () => {
  const waits = fc.integer({ min: 0, max: 72 * H });
  const previous = fc.option(fc.integer({ min: 5 * S, max: 1 * H }), { nil: undefined });

  it('the deadline is always in the future, at least the 5 s floor away', () => {
    fc.assert(
      fc.property(waits, previous, fc.boolean(), (wait, prev, atHead) => {
        const r = nextCheckin(timing, { now: NOW, expectedWaitMs: wait, previousIntervalMs: prev, atHead });
        return r.deadline - NOW >= 5 * S && r.intervalMs >= 5 * S;
      }),
    );
  });

  it('after the first check-in, the interval is at most min(1 h, half the wait), or the floor', () => {
    fc.assert(
      fc.property(waits, fc.integer({ min: 5 * S, max: 1 * H }), (wait, prev) => {
        const g = gap(wait, prev);
        return g <= Math.max(5 * S, Math.min(1 * H, wait / 2));
      }),
    );
  });

  it('the first deadline is never later than 2 h before the start when the start is more than 2 h away', () => {
    fc.assert(fc.property(fc.integer({ min: 2 * H + 5 * S, max: 72 * H }), (wait) => gap(wait, undefined) <= wait - 2 * H));
  });

  it('below 1 h of wait, the interval never grows from one check-in to the next', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1 * H - 1 }), fc.integer({ min: 5 * S, max: 1 * H }), (wait, prev) => gap(wait, prev) <= prev));
  });
});

describe('lobbyAnswer (what the API and the participant workflow both answer)', () => {
  const answer = (position: number, waitersAhead: number, averageRoundTripMs: number, previousIntervalMs: number | undefined) =>
    lobbyAnswer(timing, { now: NOW, position, waitersAhead, averageRoundTripMs, previousIntervalMs });

  it('is nextCheckin with the wait estimate: the average round trip times the waiters ahead', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1_000, max: 10 * M }), fc.option(fc.integer({ min: 5 * S, max: 1 * H }), { nil: undefined }), (position, rt, prev) => {
        const a = answer(position, position, rt, prev);
        const n = nextCheckin(timing, { now: NOW, expectedWaitMs: rt * position, previousIntervalMs: prev, atHead: position <= 1 });
        return a.expectedWaitMs === rt * position && a.expectedStartAt === NOW + rt * position && a.nextDeadline === n.deadline && a.checkinIntervalMs === n.intervalMs;
      }),
    );
  });

  it("says `queued` under the seed's one hour of wait and `waiting` from it on, and never `ready`", () => {
    expect(answer(59, 59, M, 30 * M).status).toBe('queued');
    expect(answer(60, 60, M, 30 * M).status).toBe('waiting');
    expect(answer(1, 1, M, undefined)).toMatchObject({ status: 'queued', position: 1, waitersAhead: 1, turnId: undefined });
  });

  it('puts the next in line (position 1, or nobody ahead) on the 5 s floor', () => {
    expect(answer(1, 1, 10 * M, 1 * H).checkinIntervalMs).toBe(5 * S);
    expect(answer(1, 0, 10 * M, undefined).checkinIntervalMs).toBe(5 * S);
    expect(answer(2, 2, 10 * M, 1 * H).checkinIntervalMs).toBe(10 * M);
  });
});
