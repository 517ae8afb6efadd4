/** A rate: `perSecond` requests on average, up to `burst` at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** A token bucket in this process: `burst` tokens, refilled at `perSecond`; each request takes one. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number,
  ) {
    this.tokens = limit.burst;
    this.at = clock();
  }

  /** Takes up to `wanted` tokens; answers how many it got. */
  take(wanted: number): number {
    const now = this.clock();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) * this.limit.perSecond) / 1000);
    this.at = now;
    const granted = Math.min(wanted, Math.floor(this.tokens));
    this.tokens -= granted;
    return granted;
  }
}

/** Milliseconds until a bucket of `limit` that is empty holds one token again. */
export const msUntilNextToken = (limit: RateLimit) => Math.ceil(1000 / limit.perSecond);
