import { mapConcurrently } from '../shared/batch.js';
import type { ResponseCache } from '../shared/cache.js';
import { addCounts } from '../shared/counts.js';
import { HOUR_MS, hourOf, millisToTimestamp, type Clock } from '../shared/time.js';
import type { MatchReactionSummary } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { emoticonNames, emoticons } from './emoticons.js';
import type { ReactionStore } from './store.js';

export const matchHourKey = (matchId: string, hourMs: number) => `reaction:v1:match-hour:${matchId}:${hourMs}`;
const CLOSED_HOUR_TTL_MS = 24 * HOUR_MS;
const RATE_WINDOW_MS = 60_000;

/**
 * A match's reactions so far: per emoticon, total, intensity (ceil(count / 1000)) and the last minute's rate.
 * Closed hours' counts come from the cache (dropped when a late reaction lands in one); the open hour is counted.
 */
export class MatchSummaries {
  constructor(
    private readonly store: ReactionStore,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  async summarize(matchId: string): Promise<MatchReactionSummary> {
    const now = this.clock();
    const hours = await this.store.reactionHours(matchId);
    const perHour = await mapConcurrently(hours, 8, async (hourMs) =>
      hourMs + HOUR_MS <= now
        ? this.cache.getOrComputeCounts(matchHourKey(matchId, hourMs), CLOSED_HOUR_TTL_MS, () => this.store.countReactions(matchId, hourMs))
        : this.store.countReactions(matchId, hourMs),
    );
    const totals = addCounts(perHour);

    const fromUs = (now - RATE_WINDOW_MS) * 1000;
    const recentHours = [...new Set([hourOf(now - RATE_WINDOW_MS), hourOf(now)])].filter((h) => hours.includes(h));
    const recentCounts = await Promise.all(
      recentHours.map((hourMs) => this.store.countReactions(matchId, hourMs, { emoticons: emoticonNames, fromUs, toUs: now * 1000 })),
    );
    const recent = [...addCounts(recentCounts).values()].reduce((sum, n) => sum + n, 0);

    const counted = emoticons
      .filter(({ name }) => (totals.get(name) ?? 0) > 0)
      .map(({ value, name }) => {
        const count = totals.get(name)!;
        return { emoticon: value, count, intensity: Math.ceil(count / 1000) };
      });
    return {
      matchId,
      emoticons: counted,
      total: counted.reduce((sum, e) => sum + e.count, 0),
      ratePerSecond: recent / (RATE_WINDOW_MS / 1000),
      computedAt: millisToTimestamp(now),
    };
  }
}
