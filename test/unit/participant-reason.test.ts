// What a participant is told about its last setback (api/sequential/views.ts): a stable code, a
// message with the recorded reason, and until when it may not join again.
import { describe, expect, it } from 'vitest';
import { ParticipantReasonSchema } from '../../api/contracts/ceremony.js';
import { participantView, reasonView, setbackMessage } from '../../api/sequential/views.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('the reason view', () => {
  it('carries the code, when, the detail, and the penalty set by this setback', () => {
    const reason = reasonView({ code: 'missed-checkin', at: T0 }, T0 + 600_000);
    expect(reason).toEqual({
      code: 'missed-checkin',
      at: T0,
      until: T0 + 600_000,
      message: 'you were removed from the queue: a check-in deadline passed without a check-in; you may join again from 2026-01-02T03:14:05.000Z',
    });
    expect(ParticipantReasonSchema.parse(reason)).toEqual(reason);
  });

  it("names an administrator's reason, and leaves out a penalty older than the setback", () => {
    expect(reasonView({ code: 'dropped', at: T0, detail: 'duplicate account' }, T0 - 1)).toEqual({
      code: 'dropped',
      at: T0,
      detail: 'duplicate account',
      message: 'an administrator removed you from the queue or from your turn (reason: duplicate account)',
    });
  });

  it('says a ban lasts until lifted, and gives no until', () => {
    const reason = reasonView({ code: 'banned', at: T0, detail: 'sybil' }, T0 + 1);
    expect(reason?.until).toBeUndefined();
    expect(reason?.message).toBe('an administrator banned this identity from the ceremony (reason: sybil); the ban lasts until an administrator lifts it');
  });

  it('shows the failed check of a rejected contribution, and an unknown code as cancelled', () => {
    expect(setbackMessage('rejected', 'PAIRING_FAILED: bad', undefined)).toBe('your contribution failed verification and was rejected (PAIRING_FAILED: bad)');
    expect(reasonView({ code: 'something-newer', at: T0 }, undefined)?.code).toBe('cancelled');
    expect(reasonView(undefined, T0)).toBeUndefined();
  });

  it('is part of the participant view, which leaves the setback itself out', () => {
    const view = participantView({
      participantId: 'p',
      identity: 'dev|p',
      status: 'idle',
      contributions: 0,
      strikes: 1,
      penaltyUntil: T0 + 5,
      removedReason: undefined,
      setback: { code: 'compute-timeout', at: T0 },
      turnId: undefined,
      checkinDeadline: undefined,
      checkinIntervalMs: undefined,
      receipts: [],
      lastOutcome: 'compute-timeout',
    });
    expect(view).not.toHaveProperty('setback');
    expect(view.reason).toMatchObject({ code: 'compute-timeout', until: T0 + 5 });
  });
});
