// Rate limits' rules in this process: a token bucket's refill, which addresses and keys are limited and by what
// limit, and that a call's address is limited before its key is looked up (shared-buckets.integration.test.ts runs
// the buckets on the real Redis).
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/access/caller.js';
import { Admission } from '../admission.js';
import { RequestLimits } from '../rate-limits/request-limits.js';
import { TokenBucket, type RateLimit } from '../rate-limits/token-bucket.js';

const limits = { perKey: { perSecond: 100, burst: 200 }, perAddress: { perSecond: 10, burst: 20 }, limitLoopback: false };

/** Buckets in a map, counting what each subject was charged, granting while under `allow` takes. */
function countingBuckets(allow = Infinity) {
  const taken = new Map<string, { count: number; limit: RateLimit }>();
  return {
    taken,
    take(subject: string, limit: RateLimit): number {
      const entry = taken.get(subject) ?? { count: 0, limit };
      entry.count++;
      taken.set(subject, entry);
      return entry.count <= allow ? 0 : 250;
    },
  };
}

describe('a token bucket', () => {
  it('grants its burst at once, then its rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 10, burst: 5 }, () => now);
    expect(bucket.take(8)).toBe(5);
    expect(bucket.take(1)).toBe(0);
    now += 100;
    expect(bucket.take(1)).toBe(1);
    now += 10_000;
    expect(bucket.take(100)).toBe(5);
  });
});

describe('request limits', () => {
  it('limit addresses other than loopback by the address limit, and keys by their own limit or the default', () => {
    const buckets = countingBuckets();
    const requests = new RequestLimits(buckets, limits);
    const caller: Caller = { keyId: 'k1', game: 'g', scopes: new Set(['read']) };
    expect(requests.forAddress('127.0.0.1')).toBe(0);
    expect(requests.forAddress('::ffff:127.0.0.1')).toBe(0);
    expect(requests.forAddress('::1')).toBe(0);
    expect(requests.forAddress('203.0.113.9')).toBe(0);
    expect(requests.forCaller(caller)).toBe(0);
    expect(requests.forCaller({ ...caller, keyId: 'k2', limit: { perSecond: 5, burst: 5 } })).toBe(0);
    expect(requests.forCaller(undefined)).toBe(0);
    expect(Object.fromEntries([...buckets.taken].map(([subject, { limit }]) => [subject, limit]))).toEqual({
      'address:203.0.113.9': limits.perAddress,
      'key:k1': limits.perKey,
      'key:k2': { perSecond: 5, burst: 5 },
    });
  });

  it('limit loopback too when asked', () => {
    const buckets = countingBuckets();
    expect(new RequestLimits(buckets, { ...limits, limitLoopback: true }).forAddress('127.0.0.2')).toBe(0);
    expect([...buckets.taken.keys()]).toEqual(['address:127.0.0.2']);
  });
});

describe('admission', () => {
  it('refuses an address over its limit before looking at its key, with the time to wait', async () => {
    let keysLookedUp = 0;
    const authorizer = {
      decide: () => {
        keysLookedUp++;
        return { caller: { keyId: 'k1', game: 'g', scopes: new Set(['read'] as const) } };
      },
    };
    const admission = new Admission(authorizer, new RequestLimits(countingBuckets(2), { ...limits, limitLoopback: true }));
    expect(await admission.admit('Bearer x', '127.0.0.1', 'read')).toMatchObject({ caller: { keyId: 'k1' } });
    expect(await admission.admit('Bearer x', '127.0.0.1', 'read')).toMatchObject({ caller: { keyId: 'k1' } });
    expect(await admission.admit('Bearer x', '127.0.0.1', 'read')).toEqual({
      refused: 'rate_limited',
      message: expect.stringMatching(/^rate limit: client address 127\.0\.0\.1 /) as string,
      retryAfterSeconds: 1,
    });
    expect(keysLookedUp).toBe(2);
    expect(await admission.admit(undefined, '127.0.0.1', undefined)).toEqual({ caller: undefined });
  });

  it("refuses a key over its limit while another key's calls go on", async () => {
    const buckets = countingBuckets(3);
    const callers = { 'Bearer a': 'ka', 'Bearer b': 'kb' } as Record<string, string>;
    const authorizer = {
      decide: (authorization: string | undefined) => ({
        caller: { keyId: callers[authorization!], game: 'g', scopes: new Set(['read'] as const) },
      }),
    };
    const admission = new Admission(authorizer, new RequestLimits(buckets, limits));
    const a = await Promise.all(Array.from({ length: 6 }, () => admission.admit('Bearer a', '127.0.0.1', 'read')));
    expect(a.filter((decision) => 'refused' in decision)).toHaveLength(3);
    expect(await admission.admit('Bearer b', '127.0.0.1', 'read')).toMatchObject({ caller: { keyId: 'kb' } });
  });
});
