/** A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up; one request takes one. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** 0 when admitted; otherwise the milliseconds until a token is free (nothing taken). */
  take(now = Date.now()): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.ratePerSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }
}

/** One bucket per served system, as real APIs limit each account. */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /** Retry-After seconds (at least 1) when the system's bucket is empty; 0 when admitted or unlimited. */
  admit(system: string, now = Date.now()): number {
    if (this.ratePerSecond <= 0) return 0;
    let bucket = this.buckets.get(system);
    if (!bucket) this.buckets.set(system, (bucket = new TokenBucket(this.ratePerSecond, this.burst, now)));
    const waitMs = bucket.take(now);
    return waitMs === 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
  }

  reset(system?: string): void {
    if (system === undefined) this.buckets.clear();
    else this.buckets.delete(system);
  }
}
