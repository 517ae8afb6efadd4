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

  it('serves an entry past its refresh time while one background load replaces it, and never past its age', async () => {
    const cache = new MicroCache<number>(100, 10, 30);
    let loads = 0;
    const load = async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return ++loads;
    };
    expect(await cache.get('k', load)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Past the refresh time: answered at once from the entry, one reload started.
    expect(await Promise.all([cache.get('k', load), cache.get('k', load)])).toEqual([1, 1]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await cache.get('k', load)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Past the age bound: the caller waits for a fresh load.
    const loadsBefore = loads;
    expect(await cache.get('k', load)).toBe(loadsBefore + 1);
  });

  it('replaces a changed key: every caller after waits for the new answer; a failed load is forgotten', async () => {
    const cache = new MicroCache<number>(10_000);
    expect(await cache.get('k', async () => 1)).toBe(1);
    let finish!: (value: number) => void;
    cache.replace('k', () => new Promise<number>((resolve) => (finish = resolve)));
    const waiting = cache.get('k', async () => -1);
    finish(2);
    expect(await waiting).toBe(2);
    expect(await cache.get('k', async () => -1)).toBe(2);
    cache.replace('k', async () => Promise.reject(new Error('backend down')));
    await expect(cache.get('k', async () => -1)).rejects.toThrow('backend down');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await cache.get('k', async () => 3)).toBe(3);
  });
});
