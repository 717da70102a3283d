// Signed check-in tokens (#14): an early check-in (one that changes nothing) is answered by any API
// replica without asking the participant's workflow or the ceremony about it. Each check-in answer far
// from the head carries a token: the answer itself, the participant it is for, the queue's mark when
// it was given (ceremony-state.ts queueMarkOf: departures, turns, the running turn, the average, the
// phase, read from the replica's shared lineup) and the moment until which a check-in changes nothing (the second half of
// the interval renews the deadline; participant-state.ts, earlyUntil), MACed with a key every replica
// derives from the shared session key. Handed back with the next check-in while the queue's mark is
// the same, it is the answer again (the seed recalculates the estimate with the latest data at every
// check-in: it would come out the same), and nothing is written. A token that does not verify, has
// expired, is for another participant or was given before the queue moved is ignored: the check-in
// goes to the participant's workflow.
//
// No token is given near the head (fewer than MIN_WAITERS_AHEAD ahead), so being called always moves
// the mark first. A departure (a leave, a drop, a ban) changes the mark, so the one who left is told at
// its next check-in too. A token stops TOKEN_MARGIN_MS before the deadline's second half, so a renewing
// check-in reaches the workflow even through a replica whose clock runs a little behind, and never
// lives longer than api.checkinTokenTtlMs (an hour by default).
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { earlyUntil } from '../../workflows/sequential/participant-state.js';
import { CHECKIN_TOKEN } from '../contracts/checkin-token.js';
import { CheckinAnswerSchema, type CheckinAnswer } from '../contracts/ceremony.js';

/** Tokens are given only to participants with at least this many ahead of them. */
export const MIN_WAITERS_AHEAD = 2;
/** A token stops this long before the deadline's second half begins (clock skew between replicas). */
export const TOKEN_MARGIN_MS = 1_000;

const TokenBodySchema = z
  .object({
    /** The ceremony it is for. */
    c: z.string(),
    /** The participant it answers for. */
    p: z.string(),
    /** Until when (ms) it answers. */
    u: z.number(),
    /** The queue's mark when it was given. */
    m: z.string(),
    /** The answer. */
    a: CheckinAnswerSchema.omit({ checkinToken: true }).strict(),
  })
  .strict();
type TokenBody = z.infer<typeof TokenBodySchema>;

export class CheckinTokens {
  private readonly key: Buffer;

  /** `secret`: the HMAC secret every replica derives from the session key (identity/keys.ts); one key per ceremony. */
  /** `ttlMs`: the longest a token answers (api.checkinTokenTtlMs; 0: none is given). */
  constructor(
    secret: Uint8Array,
    private readonly ceremonyId: string,
    private readonly ttlMs: number,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, ceremonyId, 'ceremony checkin-token v1', 32));
  }

  /** The answer with a token, when a check-in until some later moment would change nothing; else as it is. */
  issue(participantId: string, answer: CheckinAnswer, mark: string | undefined, now: number): CheckinAnswer & { checkinToken?: string } {
    if (mark === undefined) return answer;
    if (answer.status === 'ready' || answer.waitersAhead < MIN_WAITERS_AHEAD) return answer;
    const until = Math.min(earlyUntil(answer.nextDeadlineMs, answer.checkinIntervalMs) - TOKEN_MARGIN_MS, now + this.ttlMs);
    if (until <= now) return answer;
    const { checkinToken: _previous, ...plain } = answer;
    const body = Buffer.from(JSON.stringify({ c: this.ceremonyId, p: participantId, u: until, m: mark, a: plain } satisfies TokenBody)).toString('base64url');
    const token = `v1.${body}.${this.mac(body)}`;
    return token.length > CHECKIN_TOKEN.maxLength ? plain : { ...plain, checkinToken: token };
  }

  /** The answer a valid, unexpired token for this participant, given at this queue mark, holds (with the token again); undefined otherwise. */
  answer(token: string | undefined, participantId: string, mark: string, now: number): (CheckinAnswer & { checkinToken: string }) | undefined {
    if (token === undefined || token.length > CHECKIN_TOKEN.maxLength) return undefined;
    const parts = token.split('.');
    const [version, body, mac] = parts;
    if (parts.length !== 3 || version !== 'v1' || body === undefined || mac === undefined) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: TokenBody;
    try {
      const read = TokenBodySchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      if (!read.success) return undefined;
      parsed = read.data;
    } catch {
      return undefined;
    }
    if (parsed.c !== this.ceremonyId || parsed.p !== participantId || parsed.m !== mark || !(now < parsed.u)) return undefined;
    return { ...parsed.a, checkinToken: token };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
