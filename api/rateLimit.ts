/**
 * Token-bucket rate limit per API token: each token may send `burst` requests at once, and the bucket refills
 * at `perSecond`. A dashboard page asks for about 15 answers at once and a few more on each filter change, so
 * the defaults leave people clicking through the pages untouched and slow down scripts that hammer the API.
 */

export interface RateLimitOptions {
  /** Requests per second a token may keep up. */
  perSecond: number;
  /** Requests a token may send at once. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 20, burst: 120 };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly opts: RateLimitOptions,
    /** Milliseconds (monotonic). */
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(opts.perSecond > 0) || !Number.isFinite(opts.perSecond)) throw new RangeError('perSecond must be a positive number');
    if (!(opts.burst >= 1) || !Number.isInteger(opts.burst)) throw new RangeError('burst must be a whole number of at least 1');
  }

  /** Takes one request from `key`'s bucket: 0 when allowed, else the seconds until one is free again. */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.opts.burst, at: t };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.opts.perSecond;
  }

  describe(): string {
    return `at most ${this.opts.perSecond} requests a second, bursts of ${this.opts.burst}`;
  }
}
