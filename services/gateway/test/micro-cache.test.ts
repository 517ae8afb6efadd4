import { describe, expect, it } from 'vitest';
import { MicroCache } from '../micro-cache.js';

describe('MicroCache', () => {
  it('shares one load among concurrent callers and reloads after the TTL', async () => {
    const cache = new MicroCache<number>(50);
    let loads = 0;
    const load = async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return ++loads;
    };
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).toEqual([1, 1, 1]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await cache.get('k', load)).toBe(2);
  });

  it('does not remember failures', async () => {
    const cache = new MicroCache<number>(10_000);
    await expect(cache.get('k', async () => Promise.reject(new Error('backend down')))).rejects.toThrow('backend down');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await cache.get('k', async () => 7)).toBe(7);
  });

  it('stays within its key bound', async () => {
    const cache = new MicroCache<number>(10_000, 3);
    for (let i = 0; i < 10; i++) await cache.get(String(i), async () => i);
    expect(await cache.get('9', async () => -1)).toBe(9);
  });
});
