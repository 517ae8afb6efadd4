// Rate-limit buckets shared through the real Redis: two replicas draw from one bucket and together get no more than
// it holds (within a lease each); with Redis gone, each process limits on its own.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.js';
import { SharedTokenBuckets } from '../rate-limits/shared-buckets.js';
import { PrivateRedis } from '../../../test/support/private-redis.js';
import { testConfig } from '../../../test/support/env.js';

const logger = createLogger('test', 'silent');
const opened: SharedTokenBuckets[] = [];
afterAll(() => opened.forEach((buckets) => buckets.close()));

function replica(url: string, namespace: string): SharedTokenBuckets {
  const buckets = new SharedTokenBuckets(url, logger, namespace);
  opened.push(buckets);
  return buckets;
}

/** Takes as fast as it can for `ms`, in bounded steps; answers how many requests went through. */
async function drain(buckets: SharedTokenBuckets, subject: string, ms: number): Promise<number> {
  const limit = { perSecond: 100, burst: 100 };
  const until = Date.now() + ms;
  let granted = 0;
  for (let i = 0; i < 100_000 && Date.now() < until; i++) {
    if ((await buckets.take(subject, limit)) === 0) granted++;
    else await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return granted;
}

describe('shared token buckets', () => {
  it('two replicas together get the burst plus the rate, within a lease each', async () => {
    const namespace = `test:${randomUUID()}:`;
    const { url } = testConfig().redis;
    const [one, two] = [replica(url, namespace), replica(url, namespace)];
    await Promise.all([one.whenConnected(5000), two.whenConnected(5000)]);
    const started = Date.now();
    const [a, b] = await Promise.all([drain(one, 'key:flood', 1000), drain(two, 'key:flood', 1000)]);
    const seconds = (Date.now() - started) / 1000;
    const lease = 5;
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a + b).toBeLessThanOrEqual(100 + Math.ceil(100 * seconds) + 2 * lease);
    expect(a + b).toBeGreaterThanOrEqual(100);
    // Another subject has a bucket of its own.
    expect(await one.take('key:other', { perSecond: 100, burst: 100 })).toBe(0);
  });

  it('limits each process on its own while Redis is down', async () => {
    const redis = await PrivateRedis.start();
    const buckets = replica(redis.url, `test:${randomUUID()}:`);
    await buckets.whenConnected(5000);
    expect(await buckets.take('key:x', { perSecond: 1, burst: 10 })).toBe(0);
    await redis.stop();
    const answers: number[] = [];
    for (let i = 0; i < 30; i++) answers.push(await buckets.take('key:y', { perSecond: 1, burst: 10 }));
    expect(answers.filter((wait) => wait === 0)).toHaveLength(10);
    expect(answers.at(-1)).toBe(1000);
  });
});
