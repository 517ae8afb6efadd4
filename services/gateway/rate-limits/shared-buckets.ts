import { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import { msUntilNextToken, TokenBucket, type RateLimit } from './token-bucket.js';

/**
 * Takes up to ARGV[3] tokens from the bucket KEYS[1] (ARGV[1] per second, ARGV[2] at most), refilled by Redis' own
 * clock so that replicas with clocks apart share one bucket fairly; answers how many it got. The bucket dies once it
 * would be full again.
 */
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * rate / 1000) end
local granted = math.min(wanted, math.floor(tokens))
redis.call('HSET', KEYS[1], 'tokens', tokens - granted, 'at', math.max(now, at))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return granted
`;

/** Subjects whose lease (or fallback bucket) a process holds at once; the oldest goes first past that. */
const SUBJECTS_HELD = 100_000;
/** After Redis failed, how long the per-process buckets decide alone before Redis is asked again. */
const FALLBACK_MS = 1000;

interface Lease {
  tokens: number;
  /** Redis had no token to give until then: requests meanwhile are refused without asking it again. */
  emptyUntil: number;
  refill?: Promise<number>;
}

/**
 * Token buckets shared by every gateway replica through Redis. A replica does not ask Redis for each request: it
 * leases tokens a twentieth of a second's worth at a time and hands them out itself, so a bucket is exact within one
 * lease per replica and costs Redis about twenty calls a second per busy subject. When Redis does not answer, each
 * process limits on its own with the same rates (a deployment of N replicas then lets up to N times through), and
 * asks Redis again a second later.
 */
export class SharedTokenBuckets {
  private readonly redis: Redis & { takeTokens(key: string, rate: number, burst: number, wanted: number): Promise<number> };
  private readonly leases = new Map<string, Lease>();
  private readonly fallback = new Map<string, TokenBucket>();
  private redisDownUntil = 0;
  private lastFailureLog = 0;

  constructor(
    url: string,
    private readonly logger: Logger,
    private readonly namespace: string,
    private readonly clock: () => number = Date.now,
    // Redis answers in well under a millisecond; a two-core machine under load can still hold an answer back for
    // tens of milliseconds, and each such wait taken for an outage would let a whole extra burst through.
    timeoutMs = 250,
  ) {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    redis.defineCommand('takeTokens', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    redis.on('error', (error) => this.failed(error));
    this.redis = redis as typeof this.redis;
  }

  /** 0 when one request of `subject` may go now; otherwise the milliseconds until one may. */
  take(subject: string, limit: RateLimit): number | Promise<number> {
    if (this.clock() < this.redisDownUntil) return this.takeLocally(subject, limit);
    const lease = this.leases.get(subject);
    if (lease && lease.tokens >= 1) {
      lease.tokens -= 1;
      return 0;
    }
    const now = this.clock();
    if (lease && now < lease.emptyUntil) return lease.emptyUntil - now;
    return this.refill(subject, limit, lease);
  }

  /**
   * Resolves once Redis answers, or after `timeoutMs` (the per-process buckets decide meanwhile): a process that just
   * started would otherwise limit alone for its first second.
   */
  async whenConnected(timeoutMs: number): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.redis.disconnect();
  }

  /**
   * Leases more tokens of `subject` from Redis (callers that arrive meanwhile share the call) and takes one. A caller
   * that shared a lease others emptied first asks again while Redis still had a whole lease to give.
   */
  private async refill(subject: string, limit: RateLimit, held: Lease | undefined, attemptsLeft = 2): Promise<number> {
    const lease = held ?? this.hold(this.leases, subject, { tokens: 0, emptyUntil: 0 });
    const wanted = Math.max(1, Math.ceil(limit.perSecond / 20));
    lease.refill ??= this.redis
      .takeTokens(this.namespace + subject, limit.perSecond, limit.burst, wanted)
      .then((granted) => {
        lease.tokens += granted;
        if (granted < wanted) lease.emptyUntil = this.clock() + msUntilNextToken(limit);
        return granted;
      })
      .finally(() => (lease.refill = undefined));
    let granted: number;
    try {
      granted = await lease.refill;
    } catch (error) {
      this.failed(error as Error);
      this.redisDownUntil = this.clock() + FALLBACK_MS;
      return this.takeLocally(subject, limit);
    }
    if (lease.tokens >= 1) {
      lease.tokens -= 1;
      return 0;
    }
    if (granted === wanted && attemptsLeft > 1) return this.refill(subject, limit, lease, attemptsLeft - 1);
    return Math.max(1, lease.emptyUntil - this.clock());
  }

  private takeLocally(subject: string, limit: RateLimit): number {
    const bucket = this.fallback.get(subject) ?? this.hold(this.fallback, subject, new TokenBucket(limit, this.clock));
    return bucket.take(1) === 1 ? 0 : msUntilNextToken(limit);
  }

  private hold<T>(map: Map<string, T>, subject: string, value: T): T {
    if (map.size >= SUBJECTS_HELD) map.delete(map.keys().next().value!);
    map.set(subject, value);
    return value;
  }

  private failed(error: Error): void {
    const now = Date.now();
    if (now - this.lastFailureLog < 10_000) return;
    this.lastFailureLog = now;
    this.logger.warn({ err: error.message }, 'rate limits: Redis unreachable; each process limits on its own meanwhile');
  }
}
