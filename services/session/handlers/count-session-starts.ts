import { addCounts } from '../../shared/counts.js';
import { mapConcurrently } from '../../shared/batch.js';
import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { CLOSED_HOUR_CACHE_MS, type ResponseCache } from '../../shared/cache.js';
import {
  after,
  before,
  earliest,
  HOUR,
  hourOf,
  hours as spanOfHours,
  lastMicroOfHour,
  latest,
  toTimestamp,
  wholeSeconds,
  type Clock,
  type Micros,
} from '../../shared/time.js';
import type { CountSessionStartsRequest, CountSessionStartsResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { SessionStore } from '../store.js';
import { checkWindowHours } from './query-rules.js';

/** A whole closed hour's counts: they change only if a late event lands in it (which drops the entry). */
export const hourCountsKey = (game: string, hour: Micros) => `session:v3:hour-counts:${game}:${hour}`;
/** The whole answer moves with the clock, so it is kept just long enough to absorb bursts. */
const ANSWER_TTL_MS = 1000;

/**
 * The call's game's session starts per country over [now − hours, now], exact to the event time: whole closed hours inside the window
 * are counted once and cached; the two edge hours are counted over the exact time range each time.
 */
export class CountSessionStartsHandler implements UnaryHandler<CountSessionStartsRequest, CountSessionStartsResponse> {
  constructor(
    private readonly stores: PerGame<SessionStore>,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  async handle(request: CountSessionStartsRequest, context: CallContext): Promise<CountSessionStartsResponse> {
    checkWindowHours(request.hours);
    const now = this.clock();
    const game = gameOf(context);
    // Keyed by the second: any answer served is for a window that ended at most one second ago.
    const key = `session:v2:starts-count:${game}:${request.hours}:${wholeSeconds(now)}`;
    return this.cache.getOrCompute(key, ANSWER_TTL_MS, () => this.compute(game, request.hours, now));
  }

  private async compute(game: string, hours: number, now: Micros): Promise<CountSessionStartsResponse> {
    const store = this.stores(game);
    const from = before(now, spanOfHours(hours));
    const hoursWithStarts = await store.startHours(undefined, hourOf(from), hourOf(now));
    const perHour = await mapConcurrently(hoursWithStarts, 8, async (hour) => {
      const hourEnd = lastMicroOfHour(hour);
      const wholeAndClosed = hour >= from && after(hour, HOUR) <= now;
      if (wholeAndClosed) {
        return this.cache.getOrComputeCounts(hourCountsKey(game, hour), CLOSED_HOUR_CACHE_MS, () => store.countStarts(hour, hour, hourEnd));
      }
      return store.countStarts(hour, latest(from, hour), earliest(now, hourEnd));
    });
    const countries = [...addCounts(perHour)]
      .map(([country, starts]) => ({ country, starts }))
      .sort((a, b) => b.starts - a.starts || a.country.localeCompare(b.country));
    return { countries, windowStart: toTimestamp(from), windowEnd: toTimestamp(now) };
  }
}
