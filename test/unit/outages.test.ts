// The coordinator's outages and what they do to deadlines (workflows/availability/outages.ts, #13):
// no one pays for the coordinator's own downtime.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATIENCE } from '../../client/http.js';
import { loadConfig } from '../../common/config.js';
import { MAX_OUTAGES_KEPT, deadlineVerdict, fairExpiry, mergeOutages, outagesSince, takeBeat, type Outage, type PulseState } from '../../workflows/availability/outages.js';

const settings = { beatMs: 2_000, outageAfterMs: 6_000 };
const empty: PulseState = { lastBeatAt: undefined, outages: [] };

describe('the pulse', () => {
  it('records a gap between beats longer than the threshold as an outage, from the last beat to the next', () => {
    let s = takeBeat(empty, 1_000, settings);
    s = takeBeat(s, 3_000, settings);
    s = takeBeat(s, 9_000, settings); // a 6 s gap: not longer than the threshold
    expect(s.outages).toEqual([]);
    s = takeBeat(s, 40_000, settings);
    expect(s).toEqual({ lastBeatAt: 40_000, outages: [{ from: 9_000, to: 40_000 }] });
  });

  it('ignores a beat that is not later than the last (two replicas, one moment)', () => {
    const s = takeBeat(takeBeat(empty, 5_000, settings), 5_000, settings);
    expect(takeBeat(s, 4_000, settings)).toBe(s);
  });

  it('keeps a bounded number of outages, the newest', () => {
    let s = empty;
    for (let i = 0; i <= MAX_OUTAGES_KEPT + 5; i += 1) s = takeBeat(s, i * 10_000, settings);
    expect(s.outages).toHaveLength(MAX_OUTAGES_KEPT);
    expect(s.outages.at(-1)).toEqual({ from: (MAX_OUTAGES_KEPT + 4) * 10_000, to: (MAX_OUTAGES_KEPT + 5) * 10_000 });
    expect(s.outages[0]).toEqual({ from: 5 * 10_000, to: 6 * 10_000 });
  });

  it('reports an outage still going on when no beat has come for longer than the threshold', () => {
    const s = takeBeat(empty, 10_000, settings);
    expect(outagesSince(s, 0, 15_000, settings)).toEqual([]);
    expect(outagesSince(s, 0, 30_000, settings)).toEqual([{ from: 10_000, to: 30_000 }]);
  });

  it('reports only outages that end after the moment asked about', () => {
    const s: PulseState = {
      lastBeatAt: 100_000,
      outages: [
        { from: 10_000, to: 20_000 },
        { from: 50_000, to: 60_000 },
      ],
    };
    expect(outagesSince(s, 20_000, 101_000, settings)).toEqual([{ from: 50_000, to: 60_000 }]);
  });
});

describe('merging outages', () => {
  it('joins overlapping and touching ones and drops empty ones', () => {
    expect(
      mergeOutages([
        { from: 50, to: 60 },
        { from: 10, to: 20 },
        { from: 20, to: 30 },
        { from: 55, to: 70 },
        { from: 80, to: 80 },
      ]),
    ).toEqual([
      { from: 10, to: 30 },
      { from: 50, to: 70 },
    ]);
  });
});

describe('the fair expiry of a deadline', () => {
  const grace = 5_000;

  it('is the expiry itself when the coordinator had no outage', () => {
    expect(fairExpiry(100_000, 0, [], grace)).toBe(100_000);
  });

  it('ignores outages before the deadline was set and after it passed', () => {
    expect(fairExpiry(100_000, 50_000, [{ from: 10_000, to: 40_000 }], grace)).toBe(100_000);
    expect(fairExpiry(100_000, 50_000, [{ from: 120_000, to: 140_000 }], grace)).toBe(100_000);
  });

  it('moves the deadline back by the length of an outage inside it', () => {
    expect(fairExpiry(100_000, 0, [{ from: 40_000, to: 70_000 }], grace)).toBe(130_000);
  });

  it('counts only the part of an outage after the deadline was set', () => {
    expect(fairExpiry(100_000, 50_000, [{ from: 40_000, to: 70_000 }], grace)).toBe(120_000);
  });

  it('always leaves at least the grace allowance after an outage (40 s down, 2.5 s before the deadline)', () => {
    // The chaos run of #13: a check-in due 2.5 s after a 40 s outage began.
    expect(fairExpiry(102_500, 0, [{ from: 100_000, to: 140_000 }], grace)).toBe(145_000);
  });

  it('takes a later outage into account once an earlier one has pushed the deadline past its start', () => {
    // 90 s heard before the first, 5 s between the two, 5 s after the second: the 100 s it was owed.
    expect(
      fairExpiry(
        100_000,
        0,
        [
          { from: 90_000, to: 100_000 },
          { from: 105_000, to: 115_000 },
        ],
        grace,
      ),
    ).toBe(120_000);
  });

  it('after an outage, owes its recovery too: a deadline set or due within it waits until recovery and grace have passed', () => {
    const recovery = 20_000;
    const outage = { from: 100_000, to: 140_000 };
    // Set during the recovery (a check-in answered 2 s after the coordinator came back), due 10 s later.
    expect(fairExpiry(152_000, 142_000, [outage], grace, recovery)).toBe(165_000);
    // Due long after the recovery: unchanged.
    expect(fairExpiry(300_000, 142_000, [outage], grace, recovery)).toBe(300_000);
    // Set after the recovery ended: the outage no longer counts.
    expect(fairExpiry(170_000, 160_000, [outage], grace, recovery)).toBe(170_000);
    // Falling in the outage: moved by its length, and at least recovery and grace after it.
    expect(fairExpiry(102_500, 0, [outage], grace, recovery)).toBe(165_000);
  });

  it('gives the reference client time for a full pause between two tries after an outage, by default', () => {
    const defaults = loadConfig({ env: {} }).ceremony.pulse;
    expect(defaults.recoveryMs).toBeGreaterThanOrEqual(DEFAULT_PATIENCE.capMs);
  });

  it('never makes a deadline earlier, and with outages leaves the participant every moment it could be heard', () => {
    const outage = fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 200_000 })).map(([from, len]) => ({ from, to: from + len }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500_000 }), fc.integer({ min: 1, max: 600_000 }), fc.array(outage, { maxLength: 6 }), (since, span, outages) => {
        const expiry = since + span;
        const fair = fairExpiry(expiry, since, outages, grace);
        if (fair < expiry) return false;
        // The time from `since` to the fair expiry, less the outages in it, is at least the original span.
        const heard = fair - since - mergeOutages(outages).reduce((sum, o) => sum + Math.max(0, Math.min(o.to, fair) - Math.max(o.from, since)), 0);
        return heard >= span;
      }),
    );
  });
});

describe('looking at a deadline again and again (an absent participant)', () => {
  const grace = 5_000;

  /** Runs the participant workflow's loop: each look at the deadline's (moved) expiry, the timer firing `lateBy` late. */
  function removalOf(expiry: number, since: number, outages: Outage[], lateBy: (look: number) => number, recoveryMs = 0): { removedAt: number; looks: number } {
    let check = { since, expiry };
    const pulse = { ...settings, recoveryMs };
    for (let look = 0; look < 100; look += 1) {
      const firedAt = check.expiry + lateBy(look);
      const seen = outages.filter((o) => o.to + recoveryMs > check.since && o.from < firedAt).map((o) => ({ from: o.from, to: Math.min(o.to, firedAt) }));
      const verdict = deadlineVerdict({ ...check, scheduledFor: check.expiry, firedAt, graceMs: grace }, seen, pulse);
      if (verdict.next === undefined) return { removedAt: firedAt, looks: look + 1 };
      check = verdict.next;
    }
    throw new Error('the deadline never passed');
  }

  it('passes at once with no outage and a timer on time', () => {
    expect(removalOf(100_000, 0, [], () => 0)).toEqual({ removedAt: 100_000, looks: 1 });
  });

  it('passes once the outage is made up and the grace given, not later', () => {
    // A 7 s outage recorded inside the wait: 7 s more, then nothing new.
    expect(removalOf(100_000, 0, [{ from: 90_000, to: 97_000 }], () => 0).removedAt).toBe(107_000);
  });

  it('passes after a late timer (an overloaded or restarted worker): the grace after it fired, once', () => {
    const r = removalOf(100_000, 0, [], (look) => (look === 0 ? 30_000 : 0));
    expect(r).toEqual({ removedAt: 130_000 + grace, looks: 2 });
  });

  it('after a late timer, owes the recovery and the grace after it fired, once', () => {
    const r = removalOf(100_000, 0, [], (look) => (look === 0 ? 30_000 : 0), 20_000);
    expect(r).toEqual({ removedAt: 130_000 + 20_000 + grace, looks: 2 });
  });

  it('always passes, whatever the outages and the lateness, owed only what the coordinator could not hear', () => {
    const outage = fc.tuple(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 1, max: 60_000 })).map(([from, len]) => ({ from, to: from + len }));
    fc.assert(
      fc.property(
        fc.integer({ min: 10_000, max: 200_000 }),
        fc.array(outage, { maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 100, maxLength: 100 }),
        fc.constantFrom(0, 20_000),
        (expiry, outages, late, recovery) => {
          const { removedAt } = removalOf(expiry, 0, outages, (look) => late[look] ?? 0, recovery);
          return removedAt >= expiry;
        },
      ),
    );
  });
});
