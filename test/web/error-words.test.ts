// Every error the coordinator can answer has words on the page: what happened and what to do next;
// a penalty says when the person may join again.
import { describe, expect, it } from 'vitest';
import { ApiError, GaveUpError } from '../../client/http.js';
import { errorCodes } from '../../common/errors.js';
import { ERROR_WORDS, explain, PageError } from '../../web/src/error-words.js';

describe('the words the pages show for errors', () => {
  it.each(Object.keys(errorCodes))('%s has what happened and what to do next', (code) => {
    const words = ERROR_WORDS[code as keyof typeof errorCodes];
    expect(words.what.length).toBeGreaterThan(10);
    expect(words.next.length).toBeGreaterThan(5);
  });

  it('says when a penalty ends', () => {
    const err = new ApiError(409, 'PENALTY_ACTIVE', 'you may rejoin at ...', { retryAt: Date.now() + 9 * 60_000 + 30_000 }, undefined);
    const words = explain(err);
    expect(words.code).toBe('PENALTY_ACTIVE');
    expect(words.next).toMatch(/You can join again in 9 min (29|30) s\./);
    expect(words.detail).toContain('you may rejoin');
  });

  it('explains the page’s own failures and unknown answers', () => {
    expect(explain(new PageError('NO_WALLET', 'none')).what).toContain('wallet');
    expect(explain(new PageError('NOT_YOUR_TURN', 'slot ended')).what).toBe(ERROR_WORDS.NOT_YOUR_TURN.what);
    expect(explain(new TypeError('Failed to fetch')).code).toBe('NETWORK');
    expect(explain(new GaveUpError('http://x', 600_000, new Error('down'))).next).toContain('Reload');
    expect(explain(new ApiError(418, 'HTTP_418', 'teapot', undefined, undefined)).what).toContain('418');
  });
});
