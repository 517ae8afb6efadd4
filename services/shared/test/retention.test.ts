import { describe, expect, it } from 'vitest';
import { eventTimeProblem, MAX_FUTURE, RETENTION, retainedDays, retainedHours, ttlSecondsFor } from '../retention.js';
import { after, before, DAY, dayOf, days, fromMillis, HOUR, hourOf, micros, minutes } from '../time.js';

const now = fromMillis(Date.UTC(2026, 10, 22, 12));

describe('eventTimeProblem', () => {
  it('accepts events up to one year old and up to 5 minutes ahead', () => {
    expect(eventTimeProblem(before(now, days(364)), now)).toBeUndefined();
    expect(eventTimeProblem(after(now, minutes(4)), now)).toBeUndefined();
  });

  it('rejects older than one year and further ahead than 5 minutes', () => {
    expect(eventTimeProblem(before(now, days(366)), now)).toMatch(/older than one year/);
    expect(eventTimeProblem(before(now, days(365)), now)).toMatch(/older than one year/);
    expect(eventTimeProblem(after(now, minutes(6)), now)).toMatch(/5 minutes in the future/);
  });
});

describe('ttlSecondsFor', () => {
  it('is one year minus the age of the event', () => {
    expect(ttlSecondsFor(now, now)).toBe(365 * 86_400);
    expect(ttlSecondsFor(before(now, days(100)), now)).toBe(265 * 86_400);
    expect(ttlSecondsFor(after(before(now, days(365)), micros(1_500_000)), now)).toBe(1);
  });
});

describe('retainedHours and retainedDays', () => {
  const late = after(now, minutes(58));

  it('walk newest first from the bucket of the latest acceptable event time to that of the oldest, one bucket apart', () => {
    for (const [buckets, span, bucketOf] of [
      [retainedHours(late), HOUR, hourOf],
      [retainedDays(late), DAY, dayOf],
    ] as const) {
      expect(buckets[0]).toBe(bucketOf(after(late, MAX_FUTURE)));
      expect(buckets[buckets.length - 1]).toBe(bucketOf(before(late, RETENTION)));
      expect(buckets.slice(1).every((bucket, index) => buckets[index] - bucket === span)).toBe(true);
    }
  });

  it('hold every bucket an accepted event can fall in', () => {
    const hours = new Set(retainedHours(late));
    const dayBuckets = new Set(retainedDays(late));
    for (const eventTime of [after(late, MAX_FUTURE), after(before(late, RETENTION), micros(1)), before(late, days(100))]) {
      expect(eventTimeProblem(eventTime, late)).toBeUndefined();
      expect(hours.has(hourOf(eventTime))).toBe(true);
      expect(dayBuckets.has(dayOf(eventTime))).toBe(true);
    }
    expect(hours.size).toBe(365 * 24 + 2);
  });
});
