import { HOUR, wholeSeconds, type Micros } from './time.js';

/**
 * Remembers which (scope, hour) rows this process already wrote: an "hours that hold data" index, or the distinct
 * users of an hour. The rows are idempotent upserts, so this only saves repeated writes; it is bounded and simply
 * forgets when full.
 */
export class HourIndexWrites {
  private readonly written = new Set<string>();

  constructor(private readonly maxKeys = 50_000) {}

  /** Runs `write` with the TTL the hour's row needs, unless this (scope, hour) was already written. */
  async once(scope: string, hour: Micros, eventTtlSeconds: number, write: (ttlSeconds: number) => Promise<unknown>): Promise<void> {
    const key = `${scope}/${hour}`;
    if (this.written.has(key)) return;
    // The hour's row must outlive every event in it: an event at the hour's end expires up to an hour later.
    await write(eventTtlSeconds + wholeSeconds(HOUR));
    if (this.written.size >= this.maxKeys) this.written.clear();
    this.written.add(key);
  }

  /** Forgets every hour written of `scope`: its rows were deleted (an erasure), so a later write must happen again. */
  forget(scope: string): void {
    for (const key of this.written) if (key.startsWith(`${scope}/`)) this.written.delete(key);
  }
}
