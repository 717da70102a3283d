// Every error the coordinator answers, in words a person can act on: what happened and what to do
// next. Keyed by the API's own error codes (common/errors.ts), so a new code does not compile until
// it has words here.
import { ApiError, GaveUpError } from '../../client/http.js';
import type { ErrorCode } from '../../common/errors.js';
import { duration } from './format.js';

interface Words {
  /** What happened. */
  what: string;
  /** What to do next. */
  next: string;
}

export const ERROR_WORDS: Record<ErrorCode, Words> = {
  BAD_REQUEST: { what: 'The coordinator could not read this request.', next: 'Reload the page and try again.' },
  MALFORMED_JSON: { what: 'The coordinator could not read this request.', next: 'Reload the page and try again.' },
  VALIDATION_FAILED: { what: 'Something you entered was not accepted.', next: 'Check the field named below and try again.' },
  WRONG_CONTRIBUTION_SIZE: { what: 'The contribution does not have the sizes this ceremony uses.', next: 'Reload the page; if it happens again, report it.' },
  PAYLOAD_TOO_LARGE: { what: 'The upload is larger than the coordinator accepts.', next: 'Reload the page; if it happens again, report it.' },
  REQUEST_TIMEOUT: { what: 'The request took too long to arrive.', next: 'Check your connection; the page tries again.' },
  LENGTH_REQUIRED: { what: 'The coordinator could not read this request.', next: 'Reload the page and try again.' },
  UNSUPPORTED_MEDIA_TYPE: { what: 'The coordinator could not read this request.', next: 'Reload the page and try again.' },
  METHOD_NOT_ALLOWED: { what: 'The coordinator does not take this request here.', next: 'Reload the page; if it happens again, report it.' },
  HEADERS_TOO_LARGE: { what: 'The request carried too much.', next: 'Log out, log in again and retry.' },
  UNAUTHENTICATED: { what: 'You are not logged in.', next: 'Log in again.' },
  INVALID_TOKEN: { what: 'Your session is not valid any more.', next: 'Log in again.' },
  TOKEN_EXPIRED: { what: 'Your session has expired.', next: 'Log in again; your place in the queue is kept while you check in on time.' },
  LOGIN_REJECTED: { what: 'The login was refused.', next: 'Try again; with a wallet, sign the message it shows without changing it.' },
  FORBIDDEN: { what: 'This is not allowed for your login.', next: 'Log in another way, or ask the coordinator’s operators.' },
  ROLE_CONFLICT: { what: 'This identity has another role in the ceremony (for example verifier).', next: 'Contribute with another identity.' },
  BANNED: { what: 'This identity is banned from the ceremony.', next: 'The reason is below; ask the operators if you think it is wrong.' },
  ALREADY_CONTRIBUTED: { what: 'This identity has already contributed as many times as the ceremony allows.', next: 'Thank you! Nothing more to do.' },
  NOT_FOUND: { what: 'The coordinator has no such thing.', next: 'Check the link.' },
  UNKNOWN_IDENTITY: { what: 'The coordinator does not know this identity yet.', next: 'Join the queue first.' },
  NOT_YOUR_TURN: { what: 'It is not your turn (any more).', next: 'Your slot was given up; the reason is below. Join the queue again.' },
  NOT_IN_QUEUE: { what: 'You are not in the queue.', next: 'Join the queue.' },
  ALREADY_IN_QUEUE: { what: 'You are already in the queue.', next: 'Keep this page open; it checks in for you.' },
  START_WINDOW_MISSED: { what: 'Your turn came and was not started in time.', next: 'Join the queue again when the penalty ends.' },
  DEADLINE_MISSED: { what: 'A check-in deadline passed, so you left the queue.', next: 'Join the queue again when the penalty ends; keep this page open while you wait.' },
  NO_CONTRIBUTION_IN_PROGRESS: { what: 'There is no contribution of yours in progress.', next: 'Join the queue.' },
  CONTRIBUTION_ALREADY_COMPLETED: { what: 'This contribution was already received.', next: 'Wait for the receipt; reload the page if it does not come.' },
  PENALTY_ACTIVE: { what: 'You lost your last slot, so you must wait before joining again.', next: 'Join again when the time below has passed.' },
  CEREMONY_CLOSED: { what: 'The ceremony takes no new contributors.', next: 'Thank you for coming; follow the live page for the result.' },
  CEREMONY_PAUSED: { what: 'The ceremony is paused by its operators.', next: 'Try again later; waiting participants keep their places.' },
  INVALID_CONTRIBUTION: { what: 'The contribution did not pass verification.', next: 'Report this with the details below; your browser or the page may be faulty.' },
  ROUND_RESTARTING: { what: 'The round is restarting.', next: 'Wait a moment; it resumes by itself.' },
  STALE_TASK: { what: 'That task is no longer current.', next: 'Wait a moment; the next task comes by itself.' },
  NOT_IN_ROUND: { what: 'You are not in the current round.', next: 'Wait for your round.' },
  NO_ROUND_RUNNING: { what: 'No round is running.', next: 'Wait for the next round.' },
  PHASE_CONFLICT: { what: 'The ceremony is not in the phase this needs.', next: 'Reload the page to see the current phase.' },
  RATE_LIMITED: { what: 'Too many requests from your address.', next: 'Wait a little; the page slows down by itself.' },
  CLIENT_CLOSED: { what: 'The request was cancelled.', next: 'Try again.' },
  INTERNAL: { what: 'The coordinator failed on this request.', next: 'Try again; if it keeps failing, report it with the request id.' },
  UPSTREAM_UNAVAILABLE: { what: 'A service the coordinator relies on (GitHub or an Ethereum node) did not answer.', next: 'Try again in a minute.' },
  TEMPORAL_UNAVAILABLE: { what: 'The coordinator cannot reach its workflow service right now.', next: 'Keep the page open: it keeps trying, and missed deadlines in an outage are excused.' },
  STORE_UNAVAILABLE: { what: 'The coordinator cannot reach its storage right now.', next: 'Keep the page open: it keeps trying.' },
  NOT_READY: { what: 'The coordinator is starting up.', next: 'Keep the page open: it keeps trying.' },
  OVERLOADED: { what: 'The coordinator is busy.', next: 'Keep the page open: it keeps trying.' },
  TIMEOUT: { what: 'The coordinator took too long to answer.', next: 'Keep the page open: it keeps trying.' },
};

/** Failures of the page itself (not the coordinator's answers). */
const PAGE_WORDS: Record<string, Words> = {
  NETWORK: { what: 'The coordinator cannot be reached.', next: 'Check your connection; the page keeps trying.' },
  GAVE_UP: { what: 'The coordinator could not be reached for a long time.', next: 'Reload the page to carry on where you were.' },
  NO_WALLET: { what: 'No Ethereum wallet was found in this browser.', next: 'Install or unlock a wallet extension, or log in another way.' },
  WALLET_REFUSED: { what: 'The wallet did not sign.', next: 'Try again and approve the request in your wallet.' },
  COMPUTE_FAILED: { what: 'The computation failed in your browser.', next: 'Reload the page and join again; try another browser if it repeats.' },
};

export interface Explained extends Words {
  code: string;
  /** The coordinator's own message (names the field, the deadline, the reason). */
  detail: string;
}

function penaltyText(err: ApiError): string {
  const retryAt = err.details?.['retryAt'];
  return typeof retryAt === 'number' ? ` You can join again in ${duration(retryAt - Date.now())}.` : '';
}

/** Any failure the pages meet, in words. */
export function explain(err: unknown): Explained {
  if (err instanceof ApiError) {
    const words = (ERROR_WORDS as Record<string, Words | undefined>)[err.code] ?? { what: `The coordinator answered ${err.status}.`, next: 'Try again.' };
    const next = err.code === 'PENALTY_ACTIVE' || err.code === 'DEADLINE_MISSED' || err.code === 'START_WINDOW_MISSED' ? words.next + penaltyText(err) : words.next;
    return { code: err.code, what: words.what, next, detail: err.message };
  }
  if (err instanceof GaveUpError) return { code: 'GAVE_UP', ...(PAGE_WORDS['GAVE_UP'] as Words), detail: err.message };
  const code = err instanceof PageError ? err.code : err instanceof TypeError ? 'NETWORK' : 'COMPUTE_FAILED';
  const words = PAGE_WORDS[code] ?? (ERROR_WORDS as Record<string, Words | undefined>)[code] ?? (PAGE_WORDS['COMPUTE_FAILED'] as Words);
  return { code, ...words, detail: err instanceof Error ? err.message : String(err) };
}

/** A failure of the page (no wallet, the wallet refused, the computation failed). */
export class PageError extends Error {
  constructor(
    /** One of PAGE_WORDS' codes, or an API code the page met in another way (e.g. NOT_YOUR_TURN). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
