import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ResponseCache } from '../cache.js';
import { createLogger } from '../logger.js';
import { testConfig } from '../../../test/support/env.js';
import { sample } from '../../../test/support/prometheus-text.js';
import { processRegistry } from '../metric-registry.js';

const logger = createLogger('test', 'silent');
const caches: ResponseCache[] = [];
afterAll(async () => {
  for (const cache of caches) cache.close();
});

/**
 * The services give Redis 50 ms a command and compute the answer past that; these tests check what Redis holds, so
 * a command slowed by a loaded machine must not turn into a miss.
 */
const PATIENT_TIMEOUT_MS = 2000;

function cacheAt(url: string): ResponseCache {
  const cache = new ResponseCache(url, logger, '', PATIENT_TIMEOUT_MS);
  caches.push(cache);
  return cache;
}

async function untilConnected(cache: ResponseCache): Promise<void> {
  for (let i = 0; i < 50 && !cache.connected; i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('ResponseCache against the real Redis', () => {
  it('computes once, then answers from Redis until the entry expires', async () => {
    const cache = cacheAt(testConfig().redis.url);
    await untilConnected(cache);
    const key = `test:cache:${process.pid}:${Date.now()}`;
    let computed = 0;
    const compute = async () => ({ answer: 42, computed: ++computed });

    expect(await cache.getOrCompute(key, 300, compute)).toEqual({ answer: 42, computed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await cache.getOrCompute(key, 300, compute)).toEqual({ answer: 42, computed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await cache.getOrCompute(key, 300, compute)).toEqual({ answer: 42, computed: 2 });
  });

  it('serves an answer past half its life at once while one background computation replaces it', async () => {
    const cache = cacheAt(testConfig().redis.url);
    await untilConnected(cache);
    const key = `test:refresh-ahead:${process.pid}:${Date.now()}`;
    let computed = 0;
    let releaseRefresh!: () => void;
    const refreshMayFinish = new Promise<void>((resolve) => (releaseRefresh = resolve));
    const compute = async () => {
      computed += 1;
      if (computed > 1) await refreshMayFinish;
      return { computed };
    };

    expect(await cache.getOrCompute(key, 2000, compute)).toEqual({ computed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Past half of 2 s: the answer in hand comes back although its replacement has not finished.
    expect(await cache.getOrCompute(key, 2000, compute)).toEqual({ computed: 1 });
    expect(await cache.getOrCompute(key, 2000, compute)).toEqual({ computed: 1 });
    expect(computed).toBe(2);
    releaseRefresh();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await cache.getOrCompute(key, 2000, compute)).toEqual({ computed: 2 });
    expect(computed).toBe(2);
  });

  it('shares one computation among the callers of a missing key', async () => {
    const cache = cacheAt(testConfig().redis.url);
    await untilConnected(cache);
    const key = `test:single-flight:${process.pid}:${Date.now()}`;
    let computed = 0;
    const compute = async () => {
      computed += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return computed;
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => cache.getOrCompute(key, 5000, compute)));
    expect(answers).toEqual([1, 1, 1, 1, 1]);
    expect(computed).toBe(1);
  });

  it('treats an entry it cannot read as a miss', async () => {
    const cache = cacheAt(testConfig().redis.url);
    await untilConnected(cache);
    const key = `test:foreign-entry:${process.pid}:${Date.now()}`;
    const other = new Redis(testConfig().redis.url);
    await other.set(key, '{"written":"by an older release"}', 'PX', 5000);
    other.disconnect();
    expect(await cache.getOrCompute(key, 5000, async () => 'computed')).toBe('computed');
  });

  it('keeps one generation until it is renewed (readers see the new one once the renewal resolves), and names none when Redis cannot be reached', async () => {
    const cache = cacheAt(testConfig().redis.url);
    await untilConnected(cache);
    const name = `test:generation:${process.pid}:${Date.now()}`;
    const first = await cache.generation(name);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await cache.generation(name)).toBe(first);
    await cache.renewGeneration(name);
    const second = await cache.generation(name);
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
    expect(await cacheAt('redis://127.0.0.1:1').generation(name)).toBeUndefined();
  });

  it('keeps answering, by computing, when Redis cannot be reached', async () => {
    const cache = cacheAt('redis://127.0.0.1:1');
    let computed = 0;
    for (let i = 1; i <= 3; i++) {
      expect(await cache.getOrCompute('test:down', 60_000, async () => ++computed)).toBe(i);
    }
  });

  it('counts hits, misses, and lookups answered without Redis with its errors', async () => {
    const lookups = async (result: string) => sample(await processRegistry.metrics(), 'gamepulse_cache_lookups_total', { result });
    const errors = async (operation: string) => sample(await processRegistry.metrics(), 'gamepulse_cache_errors_total', { operation });
    const [hits, misses, unavailable, connectionErrors] = [
      await lookups('hit'),
      await lookups('miss'),
      await lookups('unavailable'),
      await errors('connection'),
    ];
    const cache = cacheAt(testConfig().redis.url);
    await untilConnected(cache);
    const key = `test:cache-metrics:${process.pid}:${Date.now()}`;
    await cache.getOrCompute(key, 5000, async () => 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await cache.getOrCompute(key, 5000, async () => 2);
    expect(await lookups('miss')).toBe(misses + 1);
    expect(await lookups('hit')).toBe(hits + 1);

    const down = cacheAt('redis://127.0.0.1:1');
    await down.getOrCompute(key, 5000, async () => 3);
    expect(await lookups('unavailable')).toBe(unavailable + 1);
    await expect.poll(() => errors('connection'), { timeout: 5000 }).toBeGreaterThan(connectionErrors);
  });
});
