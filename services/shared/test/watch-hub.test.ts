import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { MatchReactionSummary } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { WatchHub } from '../watch-hub.js';

const summaryOf = (matchId: string, total: number): MatchReactionSummary => ({
  matchId,
  emoticons: [],
  total,
  ratePerSecond: 0,
  computedAt: { seconds: Date.now() / 1000, nanos: 0 },
});

async function take<T>(iterator: AsyncGenerator<T>, count: number): Promise<T[]> {
  const taken: T[] = [];
  for (let i = 0; i < count; i++) taken.push((await iterator.next()).value as T);
  return taken;
}

describe('WatchHub', () => {
  it('sends the summary at once, then only when it changed', async () => {
    let total = 1;
    const hub = new WatchHub<MatchReactionSummary>('test', async (id) => summaryOf(id, total), createLogger('test', 'silent'));
    const abort = new AbortController();
    const feed = hub.watch('m', 20, abort.signal);
    expect(((await feed.next()).value as MatchReactionSummary).total).toBe(1);
    const next = feed.next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    total = 2;
    expect(((await next).value as MatchReactionSummary).total).toBe(2);
    abort.abort();
    expect((await feed.next()).done).toBe(true);
    expect(hub.activeGroups).toBe(0);
  });

  it('computes once per interval for any number of watchers of a match', async () => {
    let total = 0;
    const hub = new WatchHub<MatchReactionSummary>('test', async (id) => summaryOf(id, ++total), createLogger('test', 'silent'));
    const abort = new AbortController();
    const feeds = Array.from({ length: 50 }, () => hub.watch('busy', 50, abort.signal));
    await Promise.all(feeds.map((feed) => take(feed, 2)));
    const computations = hub.computations;
    await new Promise((resolve) => setTimeout(resolve, 500));
    // 500 ms at one computation per 50 ms is at most ~10, however many watchers; one each would be 500.
    expect(hub.computations - computations).toBeGreaterThan(0);
    expect(hub.computations - computations).toBeLessThanOrEqual(12);
    abort.abort();
    await Promise.all(feeds.map((feed) => feed.next()));
    expect(hub.activeGroups).toBe(0);
  });

  it('keeps feeding after a failed computation', async () => {
    let calls = 0;
    const hub = new WatchHub<MatchReactionSummary>(
      'test',
      async (id) => {
        if (++calls === 1) throw new Error('Cassandra timed out');
        return summaryOf(id, calls);
      },
      createLogger('test', 'silent'),
    );
    const abort = new AbortController();
    const [first] = await take(hub.watch('m', 20, abort.signal), 1);
    expect(first?.total).toBeGreaterThanOrEqual(2);
    abort.abort();
  });
});
