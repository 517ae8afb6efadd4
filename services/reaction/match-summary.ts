import { mapConcurrently } from '../shared/batch.js';
import { CLOSED_HOUR_CACHE_MS, type ResponseCache } from '../shared/cache.js';
import { addCounts } from '../shared/counts.js';
import { after, before, hourOf, HOUR, minutes, toTimestamp, wholeSeconds, type Clock, type Micros } from '../shared/time.js';
import type { MatchReactionSummary } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { emoticonNames, emoticons } from './emoticons.js';
import type { ReactionStore } from './store.js';

export const matchHourKey = (game: string, matchId: string, hour: Micros) => `reaction:v3:match-hour:${game}:${matchId}:${hour}`;

/** A game's match as one live-feed subject (the hub's key), and back. */
export const matchSubject = (game: string, matchId: string) => JSON.stringify([game, matchId]);
export const gameAndMatchOf = (subject: string) => JSON.parse(subject) as [game: string, matchId: string];
const RATE_WINDOW = minutes(1);

/**
 * A game's match's reactions so far: per emoticon, total, intensity (ceil(count / 1000)) and the last minute's rate.
 * Closed hours' counts come from the cache (dropped when a late reaction lands in one); the open hour is counted.
 */
export class MatchSummaries {
  constructor(
    private readonly store: ReactionStore,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  async summarize(game: string, matchId: string): Promise<MatchReactionSummary> {
    const now = this.clock();
    const hours = await this.store.reactionHours(game, matchId);
    const perHour = await mapConcurrently(hours, 8, async (hour) =>
      after(hour, HOUR) <= now
        ? this.cache.getOrComputeCounts(matchHourKey(game, matchId, hour), CLOSED_HOUR_CACHE_MS, () =>
            this.store.countReactions(game, matchId, hour),
          )
        : this.store.countReactions(game, matchId, hour),
    );
    const totals = addCounts(perHour);

    const fromUs = before(now, RATE_WINDOW);
    const recentHours = [...new Set([hourOf(fromUs), hourOf(now)])].filter((h) => hours.includes(h));
    const recentCounts = await Promise.all(
      recentHours.map((hour) => this.store.countReactions(game, matchId, hour, { emoticons: emoticonNames, fromUs, toUs: now })),
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
      ratePerSecond: recent / wholeSeconds(RATE_WINDOW),
      computedAt: toTimestamp(now),
    };
  }
}
