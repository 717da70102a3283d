// Signed check-in tokens (api/sequential/checkin-token.ts, #14): what a token answers, and every way a
// token is refused (then the check-in goes to the participant's workflow).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CheckinAnswer } from '../../api/contracts/ceremony.js';
import { CHECKIN_TOKEN } from '../../api/contracts/checkin-token.js';
import { CheckinTokens, MIN_WAITERS_AHEAD, TOKEN_MARGIN_MS } from '../../api/sequential/checkin-token.js';

const now = 1_800_000_000_000;
const queued: CheckinAnswer = {
  status: 'queued',
  position: 3,
  waitersAhead: 3,
  expectedWaitMs: 180_000,
  expectedStartAt: new Date(now + 180_000).toISOString(),
  averageRoundTripMs: 60_000,
  nextDeadline: new Date(now + 90_000).toISOString(),
  nextDeadlineMs: now + 90_000,
  checkinIntervalMs: 90_000,
};
const secret = randomBytes(32);
const TOKEN_TTL_MS = 30_000;
/** The queue's mark (gateway.queueMark) when the tokens are given. */
const MARK = '0/0/3/turn-4/60000/open';
const tokens = new CheckinTokens(secret, 'main', TOKEN_TTL_MS);

function tokenOf(answer: CheckinAnswer, participant = 'p1'): string {
  const token = tokens.issue(participant, answer, MARK, now).checkinToken;
  if (token === undefined) throw new Error('no token was issued');
  return token;
}

describe('a check-in token', () => {
  it('answers an early check-in with the same answer, the token included, for at most its lifetime', () => {
    const token = tokenOf(queued);
    expect(tokens.answer(token, 'p1', MARK, now + 1_000)).toEqual({ ...queued, checkinToken: token });
    // A 90 s interval: the deadline's first half ends at +45 s, but a token lives at most TOKEN_TTL_MS.
    expect(tokens.answer(token, 'p1', MARK, now + TOKEN_TTL_MS - 1)).toBeDefined();
    expect(tokens.answer(token, 'p1', MARK, now + TOKEN_TTL_MS)).toBeUndefined();
  });

  it('stops a margin before the deadline enters its second half (a replica whose clock runs behind)', () => {
    // Issued 20 s in: the first half ends at +45 s, so the token ends at +44 s, before its 30 s lifetime.
    const token = tokens.issue('p1', queued, MARK, now + 20_000).checkinToken ?? '';
    expect(tokens.answer(token, 'p1', MARK, now + 45_000 - TOKEN_MARGIN_MS - 1)).toBeDefined();
    expect(tokens.answer(token, 'p1', MARK, now + 45_000 - TOKEN_MARGIN_MS)).toBeUndefined();
  });

  it('is not given near the head, when called, or once the check-in is due', () => {
    expect(tokens.issue('p1', { ...queued, waitersAhead: MIN_WAITERS_AHEAD - 1 }, MARK, now).checkinToken).toBeUndefined();
    expect(tokens.issue('p1', { ...queued, status: 'ready', waitersAhead: 0, position: 0 }, MARK, now).checkinToken).toBeUndefined();
    expect(tokens.issue('p1', queued, MARK, now + 45_000 - TOKEN_MARGIN_MS).checkinToken).toBeUndefined();
    expect(tokens.issue('p1', { ...queued, waitersAhead: MIN_WAITERS_AHEAD }, MARK, now).checkinToken).toMatch(/^v1\./);
    // Tokens switched off.
    expect(new CheckinTokens(secret, 'main', 0).issue('p1', queued, MARK, now).checkinToken).toBeUndefined();
  });

  it('is ignored for another participant or ceremony, with a changed answer or signature, from another key, or malformed', () => {
    const token = tokenOf(queued);
    const [version, body, mac] = token.split('.') as [string, string, string];
    expect(tokens.answer(token, 'p2', MARK, now)).toBeUndefined();
    // Given before the queue moved (someone ahead left, a turn ended, the average changed).
    expect(tokens.answer(token, 'p1', '1/0/3/turn-4/60000/open', now)).toBeUndefined();
    // Given when the queue's mark could not be read: none.
    expect(tokens.issue('p1', queued, undefined, now).checkinToken).toBeUndefined();
    const forged = Buffer.from(JSON.stringify({ c: 'main', p: 'p1', m: MARK, u: now + 3_600_000, a: { ...queued, position: 1 } })).toString('base64url');
    expect(tokens.answer(`${version}.${forged}.${mac}`, 'p1', MARK, now)).toBeUndefined();
    expect(tokens.answer(`${version}.${body}.${mac.slice(0, -2)}AA`, 'p1', MARK, now)).toBeUndefined();
    expect(new CheckinTokens(randomBytes(32), 'main', TOKEN_TTL_MS).answer(token, 'p1', MARK, now)).toBeUndefined();
    expect(new CheckinTokens(secret, 'another', TOKEN_TTL_MS).answer(token, 'p1', MARK, now)).toBeUndefined();
    for (const bad of ['', 'v1', 'v1..', 'v2.' + body + '.' + mac, `v1.${body}`, 'x'.repeat(CHECKIN_TOKEN.maxLength + 1), `v1.${body}.${mac}.extra`]) {
      expect(tokens.answer(bad, 'p1', MARK, now), bad.slice(0, 20)).toBeUndefined();
    }
    expect(tokens.answer(undefined, 'p1', MARK, now)).toBeUndefined();
  });
});
