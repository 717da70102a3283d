// A sliding-window-counter rate limiter per key (client address), in memory, for one replica.
// Each key keeps two counters (this fixed window and the previous one); the estimate of requests in
// the last `window` is previous * (share of the previous window still inside it) + current.
// Memory is bounded: at most `maxKeys` keys, the least recently seen are forgotten first, and keys
// idle for two windows are swept.

export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export interface Decision {
  allowed: boolean;
  /** Whole seconds until a request would be allowed again (0 when allowed). */
  retryAfterSeconds: number;
  /** Requests left in the current window estimate after this one. */
  remaining: number;
}

interface Entry {
  windowStart: number;
  current: number;
  previous: number;
}

const SWEEP_EVERY = 1024;

export class SlidingWindowLimiter {
  private readonly entries = new Map<string, Entry>();
  private operations = 0;

  constructor(
    private readonly rule: WindowLimit,
    private readonly maxKeys: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Counts one request for `key` at `now` when the limit allows it; never counts refused requests. */
  hit(key: string, now: number): Decision {
    const { limit, windowMs } = this.rule;
    const entry = this.touch(key, now);
    const elapsed = now - entry.windowStart;
    const estimate = entry.previous * (1 - elapsed / windowMs) + entry.current;
    if (estimate + 1 <= limit) {
      entry.current += 1;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.max(0, Math.floor(limit - estimate - 1)) };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(this.waitMs(entry, elapsed) / 1000)), remaining: 0 };
  }

  /** Time until previous * (1 - f) + current + 1 <= limit, f being the share of the window elapsed. */
  private waitMs(entry: Entry, elapsed: number): number {
    const { limit, windowMs } = this.rule;
    if (entry.current + 1 <= limit) {
      // This window has room; wait for enough of the previous window to slide out.
      const f = 1 - (limit - 1 - entry.current) / entry.previous;
      return Math.max(0, f * windowMs - elapsed);
    }
    // Wait for the next window, where this window's count becomes the sliding-out one.
    const f = Math.max(0, 1 - (limit - 1) / entry.current);
    return windowMs - elapsed + f * windowMs;
  }

  private touch(key: string, now: number): Entry {
    const { windowMs } = this.rule;
    this.operations += 1;
    if (this.operations % SWEEP_EVERY === 0) this.sweep(now);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { windowStart: now - (now % windowMs), current: 0, previous: 0 };
    } else {
      this.entries.delete(key);
      const windows = Math.floor((now - entry.windowStart) / windowMs);
      if (windows === 1) {
        entry.previous = entry.current;
        entry.current = 0;
      } else if (windows > 1) {
        entry.previous = 0;
        entry.current = 0;
      }
      if (windows > 0) entry.windowStart += windows * windowMs;
    }
    // Re-inserting keeps the Map in least-recently-seen order.
    this.entries.set(key, entry);
    while (this.entries.size > this.maxKeys) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    return entry;
  }

  /** Forgets keys whose counters have both slid out. */
  sweep(now: number): void {
    const horizon = now - 2 * this.rule.windowMs;
    for (const [key, entry] of this.entries) {
      // Map order is least recently seen first: stop at the first key still in play.
      if (entry.windowStart > horizon) break;
      this.entries.delete(key);
    }
  }
}
