import type { ResponseCache } from '../../shared/cache.js';
import { addCounts } from '../../shared/counts.js';
import { mapConcurrently } from '../../shared/batch.js';
import type { UnaryHandler } from '../../shared/handler.js';
import { HOUR_MS, hourOf, millisToTimestamp, type Clock } from '../../shared/time.js';
import type { CountSessionStartsRequest, CountSessionStartsResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { SessionStore } from '../store.js';
import { checkWindowHours } from './query-rules.js';

/** A whole closed hour's counts: they change only if a late event lands in it (which drops the entry). */
export const hourCountsKey = (hourMs: number) => `session:v1:hour-counts:${hourMs}`;
const CLOSED_HOUR_TTL_MS = 24 * HOUR_MS;
/** The whole answer moves with the clock, so it is kept just long enough to absorb bursts. */
const ANSWER_TTL_MS = 1000;

/**
 * Session starts per country over [now − hours, now], exact to the event time: whole closed hours inside the window
 * are counted once and cached; the two edge hours are counted over the exact time range each time.
 */
export class CountSessionStartsHandler implements UnaryHandler<CountSessionStartsRequest, CountSessionStartsResponse> {
  constructor(
    private readonly store: SessionStore,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  async handle(request: CountSessionStartsRequest): Promise<CountSessionStartsResponse> {
    checkWindowHours(request.hours);
    const now = this.clock();
    // Keyed by the second: any answer served is for a window that ended at most one second ago.
    const key = `session:v1:starts-count:${request.hours}:${Math.floor(now / 1000)}`;
    return this.cache.getOrCompute(key, ANSWER_TTL_MS, () => this.compute(request.hours, now));
  }

  private async compute(hours: number, now: number): Promise<CountSessionStartsResponse> {
    const fromMs = now - hours * HOUR_MS;
    const fromUs = fromMs * 1000;
    const toUs = now * 1000;
    const hoursWithStarts = await this.store.startHours(undefined, hourOf(fromMs), hourOf(now));
    const perHour = await mapConcurrently(hoursWithStarts, 8, async (hourMs) => {
      const hourEndUs = (hourMs + HOUR_MS) * 1000 - 1;
      const wholeAndClosed = hourMs >= fromMs && hourMs + HOUR_MS <= now;
      if (wholeAndClosed) {
        return this.cache.getOrComputeCounts(hourCountsKey(hourMs), CLOSED_HOUR_TTL_MS, () =>
          this.store.countStarts(hourMs, hourMs * 1000, hourEndUs),
        );
      }
      return this.store.countStarts(hourMs, Math.max(fromUs, hourMs * 1000), Math.min(toUs, hourEndUs));
    });
    const countries = [...addCounts(perHour)]
      .map(([country, starts]) => ({ country, starts }))
      .sort((a, b) => b.starts - a.starts || a.country.localeCompare(b.country));
    return { countries, windowStart: millisToTimestamp(fromMs), windowEnd: millisToTimestamp(now) };
  }
}
