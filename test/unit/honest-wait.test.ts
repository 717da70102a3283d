// The honest wait estimate (seed 002, #14 item 8): the running turn counts only what is left of its
// average, so the estimated start stays put while nothing changes and moves only when the queue or the
// average does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequentialTimingSchema } from '../../common/ceremony-config.js';
import { expectedWait, lobbyAnswer } from '../../workflows/sequential/checkin-schedule.js';

const S = 1_000;
const M = 60 * S;
const NOW = 1_700_000_000_000;
const timing = sequentialTimingSchema.parse({});

describe('the expected wait with a turn running', () => {
  it('counts what is left of the running turn, then one average per waiter', () => {
    expect(expectedWait(60 * S, 3, 20 * S)).toBe(40 * S + 2 * 60 * S);
    expect(expectedWait(60 * S, 1, 0)).toBe(60 * S);
    // A turn that outlasts the average: "any moment" for the next in line.
    expect(expectedWait(60 * S, 1, 90 * S)).toBe(0);
    expect(expectedWait(60 * S, 2, 90 * S)).toBe(60 * S);
  });

  it('gives an estimated start that does not move while nothing changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1 * S, max: 10 * M }), fc.integer({ min: 0, max: 10 * M }), fc.integer({ min: 0, max: 10 * M }), (ahead, rt, t1, dt) => {
        const turnStartedAt = NOW;
        const asked = (at: number) => lobbyAnswer(timing, { now: at, position: ahead, waitersAhead: ahead, averageRoundTripMs: rt, turnStartedAt, previousIntervalMs: undefined }).expectedStartAt;
        // Asked twice while the running turn is within its average: the same start.
        const first = Math.min(t1, rt);
        const second = Math.min(first + dt, rt);
        return asked(NOW + first) === asked(NOW + second) && asked(NOW + first) === NOW + rt * ahead;
      }),
    );
  });
});
