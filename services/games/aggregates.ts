import type { ResponseCache } from '../shared/cache.js';
import type { GamesStore } from './store.js';
import { addTotals, emptyTotals, type Totals } from './totals.js';

/** Cache key of one day's summed aggregate parts. */
export const dayTotalsKey = (day: number) => `connect4:totals:${day}`;

/**
 * Days that may still change (a part finished or recovered, a profile correction) are dropped from the cache by
 * whoever changes them, so they may stay a minute; older days change only as their rows expire.
 */
const RECENT_DAY_TTL_MS = 60_000;
const OLD_DAY_TTL_MS = 3_600_000;

/** Everything counted so far: the sum of every finished aggregate part, one cached sum per day. */
export class Aggregates {
  constructor(
    private readonly store: GamesStore,
    private readonly cache: ResponseCache,
    private readonly today: () => number,
  ) {}

  async totals(): Promise<Totals> {
    const days = await this.store.partDays();
    const recent = this.today() - 1;
    const perDay = await Promise.all(
      days.map((day) =>
        this.cache.getOrCompute(dayTotalsKey(day), day >= recent ? RECENT_DAY_TTL_MS : OLD_DAY_TTL_MS, async () =>
          (await this.store.finishedTotals(day)).reduce(addTotals, emptyTotals()),
        ),
      ),
    );
    return perDay.reduce(addTotals, emptyTotals());
  }
}
