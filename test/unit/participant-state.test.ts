// One participant's state and its rules (workflows/sequential/participant-state.ts), without Temporal:
// the deadline lives here and nowhere else (#14 item 1/2).
import { describe, expect, it } from 'vitest';
import { sequentialTimingSchema } from '../../common/ceremony-config.js';
import {
  applyParticipant,
  checkinAnswer,
  checkinIsEarly,
  checkinRefusal,
  enterRefusal,
  leaveRefusal,
  newParticipant,
  participantView,
  removalAt,
  type ParticipantEvent,
  type ParticipantRules,
  type ParticipantState,
} from '../../workflows/sequential/participant-state.js';

const S = 1_000;
const M = 60 * S;
const T0 = 1_700_000_000_000;
const timing = sequentialTimingSchema.parse({});
const rules: ParticipantRules = { timing, contributionsPerIdentity: 1 };
const place = (position: number, averageRoundTripMs = 2 * M) => ({ position, waitersAhead: position, averageRoundTripMs });

function run(events: ParticipantEvent[], from: ParticipantState = newParticipant('p')): { state: ParticipantState; effects: ReturnType<typeof applyParticipant>['effects'] } {
  let state = from;
  let effects: ReturnType<typeof applyParticipant>['effects'] = [];
  for (const e of events) ({ state, effects } = applyParticipant(state, e, rules));
  return { state, effects };
}

const joined = (position = 10, at = T0) =>
  run([
    { type: 'enter', identity: 'dev|p', at },
    { type: 'checkin', place: place(position), first: true, at },
  ]).state;

describe('joining and checking in', () => {
  it('sets the deadline at the first check-in after the join, from the seed schedule', () => {
    const s = joined(10);
    // 10 waiters x 2 min = 20 min of wait: queued, the interval is half of it.
    expect(s.standing).toEqual({ status: 'queued', deadline: T0 + 10 * M, intervalMs: 10 * M, answeredAt: T0 });
    expect(removalAt(s, timing)).toBe(T0 + 10 * M + timing.checkinGraceMs);
  });

  it('halves the interval at each check-in that counts under an hour of wait', () => {
    const s = run([{ type: 'checkin', place: place(10), first: false, at: T0 + 6 * M }], joined(10)).state;
    expect(s.standing).toMatchObject({ status: 'queued', intervalMs: 5 * M, deadline: T0 + 11 * M });
  });

  it('ignores a check-in from one who is not waiting, and refuses it with the reason', () => {
    const idle = newParticipant('p');
    expect(applyParticipant(idle, { type: 'checkin', place: place(1), first: false, at: T0 }, rules).state).toBe(idle);
    expect(checkinRefusal(idle, false)?.code).toBe('NOT_IN_QUEUE');
    expect(checkinRefusal(idle, true)).toBeUndefined();
  });
});

describe('a check-in that changes nothing (answered from a query)', () => {
  it('is one more than half an interval before the deadline, while waiting', () => {
    const view = participantView(joined(10));
    expect(checkinIsEarly(view, T0 + 1 * S)).toBe(true);
    expect(checkinIsEarly(view, T0 + 5 * M - 1)).toBe(true);
    expect(checkinIsEarly(view, T0 + 5 * M)).toBe(false);
    expect(checkinIsEarly(view, T0 + 11 * M)).toBe(false);
  });

  it('is never one from a participant who is called, idle or banned', () => {
    const called = run([{ type: 'called', turnId: 't1', turnWorkflowId: 'w1' }], joined(1)).state;
    expect(checkinIsEarly(participantView(called), T0)).toBe(false);
    expect(checkinIsEarly(participantView(newParticipant('p')), T0)).toBe(false);
  });

  it('is answered with the deadline the participant holds and the live place', () => {
    const view = participantView(joined(10));
    const answer = checkinAnswer(view, place(4), timing, T0 + 1 * M);
    expect(answer).toMatchObject({ status: 'queued', position: 4, waitersAhead: 4, nextDeadline: T0 + 10 * M, checkinIntervalMs: 10 * M, expectedWaitMs: 8 * M });
  });

  it('for a called participant is ready, with the floor interval', () => {
    const view = participantView(run([{ type: 'called', turnId: 't1', turnWorkflowId: 'w1' }], joined(1)).state);
    expect(checkinAnswer(view, place(1), timing, T0)).toMatchObject({ status: 'ready', position: 0, turnId: 't1', nextDeadline: T0 + timing.minCheckinIntervalMs });
  });
});

describe('removal', () => {
  it('on a missed deadline: out of the queue, a strike, the penalty, a record', () => {
    const { state, effects } = run([{ type: 'missed', at: T0 + 20 * M }], joined(10));
    expect(state).toMatchObject({ standing: { status: 'idle' }, strikes: 1, removedReason: 'missed-checkin', penaltyUntil: T0 + 20 * M + timing.rejoinPenaltyMs });
    expect(effects).toEqual([
      { type: 'leaveQueue', reason: 'missed-checkin' },
      { type: 'record', kind: 'missed-checkin' },
    ]);
    expect(checkinRefusal(state, false)).toMatchObject({ code: 'DEADLINE_MISSED', details: { retryAt: state.penaltyUntil, penaltyUntil: state.penaltyUntil } });
    expect(checkinRefusal(state, false)?.message).toContain(`from ${new Date(state.penaltyUntil ?? 0).toISOString()}`);
    expect(enterRefusal(state, rules, T0 + 20 * M + 1)?.code).toBe('PENALTY_ACTIVE');
    expect(enterRefusal(state, rules, T0 + 20 * M + timing.rejoinPenaltyMs)).toBeUndefined();
  });

  it('a miss arriving after the participant was called changes nothing', () => {
    const called = run([{ type: 'called', turnId: 't1', turnWorkflowId: 'w1' }], joined(1)).state;
    expect(applyParticipant(called, { type: 'missed', at: T0 + M }, rules)).toEqual({ state: called, effects: [] });
  });

  it('leaving: out of the queue with the abort penalty and a record; refused when not waiting', () => {
    const { state, effects } = run([{ type: 'leave', at: T0 + M }], joined(10));
    expect(state).toMatchObject({ standing: { status: 'idle' }, removedReason: 'left', strikes: 0 });
    expect(effects).toContainEqual({ type: 'leaveQueue', reason: 'left' });
    expect(leaveRefusal(state)?.code).toBe('NOT_IN_QUEUE');
  });
});

describe('called, then the turn ends', () => {
  it('tells the turn when the check-in that will hear the call is due', () => {
    const { state, effects } = run([{ type: 'called', turnId: 't1', turnWorkflowId: 'w1' }], joined(1));
    expect(state.standing).toMatchObject({ status: 'ready', turnId: 't1', deadline: T0 + timing.minCheckinIntervalMs });
    expect(effects).toEqual([{ type: 'checkinDue', turnWorkflowId: 'w1', by: T0 + timing.minCheckinIntervalMs }]);
    const heard = applyParticipant(state, { type: 'checkin', place: place(1), first: false, at: T0 + S }, rules);
    expect(heard.effects).toEqual([{ type: 'notifyTurn', turnWorkflowId: 'w1', at: T0 + S }]);
  });

  it('accepted: one contribution, the receipt kept, no more joins', () => {
    const called = run([{ type: 'called', turnId: 't1', turnWorkflowId: 'w1' }], joined(1)).state;
    const { state } = run([{ type: 'turnFinished', turnId: 't1', kind: 'accepted', sequence: 7, receiptId: 'r', receiptKey: 'k', at: T0 + M }], called);
    expect(state).toMatchObject({ standing: { status: 'contributed' }, contributions: 1, receipts: [{ sequence: 7, receiptId: 'r', receiptKey: 'k' }] });
    expect(enterRefusal(state, rules, T0 + M)?.code).toBe('ALREADY_CONTRIBUTED');
  });

  it('a compute timeout: a strike and the penalty; the outcome of another turn is ignored', () => {
    const called = run([{ type: 'called', turnId: 't1', turnWorkflowId: 'w1' }], joined(1)).state;
    expect(applyParticipant(called, { type: 'turnFinished', turnId: 't0', kind: 'accepted', sequence: 1, at: T0 }, rules).state).toBe(called);
    const { state } = run([{ type: 'turnFinished', turnId: 't1', kind: 'compute-timeout', sequence: 0, at: T0 + M }], called);
    expect(state).toMatchObject({ standing: { status: 'idle' }, strikes: 1, lastOutcome: 'compute-timeout', penaltyUntil: T0 + M + timing.rejoinPenaltyMs });
  });
});

describe('bans', () => {
  it('a ban takes a waiting participant out of the queue and records the reason; unban restores it', () => {
    const banned = run([{ type: 'ban', banned: true, reason: 'spam', at: T0 }], joined(3));
    expect(banned.state.standing).toEqual({ status: 'banned', reason: 'spam' });
    expect(banned.effects).toEqual([
      { type: 'leaveQueue', reason: 'banned' },
      { type: 'record', kind: 'banned', detail: 'spam' },
    ]);
    expect(enterRefusal(banned.state, rules, T0)).toMatchObject({ code: 'BANNED', message: 'this identity is banned from the ceremony (reason: spam)' });
    expect(checkinRefusal(banned.state, false)?.message).toContain('(reason: spam)');
    expect(participantView(banned.state)).toMatchObject({ status: 'banned', removedReason: 'spam' });
    const unbanned = run([{ type: 'ban', banned: false, reason: 'appeal', at: T0 + M }], banned.state);
    expect(unbanned.state.standing).toEqual({ status: 'idle' });
    expect(unbanned.effects).toEqual([{ type: 'record', kind: 'unbanned', detail: 'appeal' }]);
    expect(participantView(unbanned.state).setback).toBeUndefined();
  });
});

describe('setbacks: why the participant last lost its place or its turn', () => {
  const called = () => run([{ type: 'called', turnId: 't1', turnWorkflowId: 'w1' }], joined(1)).state;

  it('each removal from the lobby says which, and when', () => {
    expect(run([{ type: 'missed', at: T0 + 20 * M }], joined(10)).state.setback).toEqual({ code: 'missed-checkin', at: T0 + 20 * M });
    expect(run([{ type: 'leave', at: T0 + M }], joined(10)).state.setback).toEqual({ code: 'left', at: T0 + M });
    expect(run([{ type: 'removed', reason: 'dropped', detail: 'duplicate account', at: T0 + M }], joined(10)).state.setback).toEqual({
      code: 'dropped',
      at: T0 + M,
      detail: 'duplicate account',
    });
    expect(run([{ type: 'ban', banned: true, reason: 'spam', at: T0 + M }], joined(10)).state.setback).toEqual({ code: 'banned', at: T0 + M, detail: 'spam' });
  });

  it('a drop of the turn holder is the reason, whichever of the drop and the cancelled turn comes first', () => {
    const drop: ParticipantEvent = { type: 'removed', reason: 'dropped', detail: 'too slow', at: T0 + M };
    const cancelled: ParticipantEvent = { type: 'turnFinished', turnId: 't1', kind: 'cancelled', sequence: 0, at: T0 + M + S };
    for (const order of [
      [drop, cancelled],
      [cancelled, drop],
    ]) {
      const { state } = run(order, called());
      expect(state.standing).toEqual({ status: 'idle' });
      expect(participantView(state)).toMatchObject({ status: 'idle', lastOutcome: 'cancelled', setback: { code: 'dropped', detail: 'too slow' } });
    }
  });

  it('a ban of the turn holder stays the reason after the cancelled turn', () => {
    const { state } = run(
      [
        { type: 'ban', banned: true, reason: 'sybil', at: T0 + M },
        { type: 'turnFinished', turnId: 't1', kind: 'cancelled', sequence: 0, at: T0 + M + S },
      ],
      called(),
    );
    expect(state.setback).toEqual({ code: 'banned', at: T0 + M, detail: 'sybil' });
  });

  it('a lost turn says how, with the failed check of a rejected contribution', () => {
    expect(run([{ type: 'turnFinished', turnId: 't1', kind: 'compute-timeout', sequence: 0, at: T0 + M }], called()).state.setback).toEqual({ code: 'compute-timeout', at: T0 + M });
    const rejected = run([{ type: 'turnFinished', turnId: 't1', kind: 'rejected', sequence: 0, failedCheck: { code: 'PAIRING_FAILED', message: 'bad powers' }, at: T0 + M }], called());
    expect(rejected.state.setback).toEqual({ code: 'rejected', at: T0 + M, detail: 'PAIRING_FAILED: bad powers' });
  });

  it('is cleared by an accepted contribution and by joining again', () => {
    expect(run([{ type: 'turnFinished', turnId: 't1', kind: 'accepted', sequence: 1, receiptId: 'r', receiptKey: 'k', at: T0 + M }], called()).state.setback).toBeUndefined();
    const left = run([{ type: 'leave', at: T0 + M }], joined(10)).state;
    const back = run(
      [
        { type: 'enter', identity: 'dev|p', at: T0 + 2 * M },
        { type: 'checkin', place: place(3), first: true, at: T0 + 2 * M },
      ],
      left,
    ).state;
    expect(back.setback).toBeUndefined();
  });
});

describe('refusals say why', () => {
  it('an administrator’s drop carries its recorded reason', () => {
    const dropped = run([{ type: 'removed', reason: 'dropped', detail: 'duplicate account', at: T0 + M }], joined(3)).state;
    expect(checkinRefusal(dropped, false)).toMatchObject({ code: 'NOT_IN_QUEUE', message: 'an administrator removed you from the queue (reason: duplicate account); call lobby/enter to join again' });
  });
});
