// Signed check-in tokens (#14): an early check-in (one that changes nothing) is answered by any API
// replica without asking Temporal. Each check-in answer far from the head carries a token: the answer
// itself, the participant it is for and the moment until which a check-in changes nothing (the second
// half of the interval renews the deadline; participant-state.ts, earlyUntil), MACed with a key every
// replica derives from the shared session key. Handed back with the next check-in before that moment,
// it is the answer again, and nothing is read or written. A token that does not verify, has expired,
// or is for another participant is ignored: the check-in goes to the participant's workflow.
//
// No token is given near the head (fewer than MIN_WAITERS_AHEAD ahead): the participant to be called
// next learns it at its next check-in, so its check-ins always go to its workflow.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { earlyUntil } from '../../workflows/sequential/participant-state.js';
import { CHECKIN_TOKEN } from '../contracts/checkin-token.js';
import type { CheckinAnswer } from '../contracts/ceremony.js';

/** Tokens are given only to participants with at least this many ahead of them. */
export const MIN_WAITERS_AHEAD = 2;

interface TokenBody {
  /** The participant it answers for. */
  p: string;
  /** Until when (ms) a check-in changes nothing. */
  u: number;
  /** The answer. */
  a: CheckinAnswer;
}

export class CheckinTokens {
  private readonly key: Buffer;

  /** `secret`: the HMAC secret every replica derives from the session key (identity/keys.ts). */
  constructor(secret: Uint8Array) {
    this.key = createHmac('sha256', secret).update('ceremony checkin-token v1').digest();
  }

  /** The answer with a token, when a check-in until some later moment would change nothing; else as it is. */
  issue(participantId: string, answer: CheckinAnswer, now: number): CheckinAnswer & { checkinToken?: string } {
    if (answer.status === 'ready' || answer.waitersAhead < MIN_WAITERS_AHEAD) return answer;
    const until = earlyUntil(answer.nextDeadlineMs, answer.checkinIntervalMs);
    if (until <= now) return answer;
    const body = Buffer.from(JSON.stringify({ p: participantId, u: until, a: answer } satisfies TokenBody)).toString('base64url');
    return { ...answer, checkinToken: `v1.${body}.${this.mac(body)}` };
  }

  /** The answer a valid, unexpired token for this participant holds (with the token again); undefined otherwise. */
  answer(token: string | undefined, participantId: string, now: number): (CheckinAnswer & { checkinToken: string }) | undefined {
    if (token === undefined || token.length > CHECKIN_TOKEN.maxLength) return undefined;
    const parts = token.split('.');
    const [version, body, mac] = parts;
    if (parts.length !== 3 || version !== 'v1' || body === undefined || mac === undefined) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: TokenBody;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenBody;
    } catch {
      return undefined;
    }
    if (parsed.p !== participantId || !(now < parsed.u)) return undefined;
    return { ...parsed.a, checkinToken: token };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
