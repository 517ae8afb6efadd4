import { after, before, DAY, dayOf, days, elapsed, HOUR, hourOf, minutes, wholeSeconds, type Micros } from './time.js';

/** Events and rows live one year (365 days) after their event time. */
export const RETENTION = days(365);
/** Clients' clocks may run ahead a little; further in the future is a bad timestamp. */
export const MAX_FUTURE = minutes(5);

/** Why an event time is not acceptable now, or undefined if it is. */
export function eventTimeProblem(eventTime: Micros, now: Micros): string | undefined {
  if (eventTime <= before(now, RETENTION)) return 'is older than one year (365 days), the retention period';
  if (eventTime > after(now, MAX_FUTURE)) return 'is more than 5 minutes in the future';
  return undefined;
}

/** The TTL (seconds) that makes a row die one year after its event time: one year minus the event's age. */
export function ttlSecondsFor(eventTime: Micros, now: Micros): number {
  return Math.max(1, wholeSeconds(elapsed(now, after(eventTime, RETENTION))));
}

/** Every hour (newest first) that may hold rows of events accepted up to `now`: where an erasure looks for a player. */
export function retainedHours(now: Micros): Micros[] {
  return bucketsBack(hourOf(after(now, MAX_FUTURE)), hourOf(before(now, RETENTION)), HOUR);
}

/** Every UTC day (newest first) that may hold rows of events accepted up to `now`. */
export function retainedDays(now: Micros): Micros[] {
  return bucketsBack(dayOf(after(now, MAX_FUTURE)), dayOf(before(now, RETENTION)), DAY);
}

function bucketsBack(newest: Micros, oldest: Micros, span: Micros): Micros[] {
  const buckets: Micros[] = [];
  for (let bucket = newest; bucket >= oldest; bucket = before(bucket, span)) buckets.push(bucket);
  return buckets;
}
