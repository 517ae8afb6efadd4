import cassandra from 'cassandra-driver';
import type { Timestamp } from '../../gen/ts-proto/google/protobuf/timestamp.js';

/**
 * Inside gamepulse a time is one type, `Micros`: microseconds since the Unix epoch (an instant) or a number of
 * microseconds (a span), as a branded JS number. A number holds every microsecond exactly for ±285 years around
 * 1970, and the events carry microseconds, so nothing finer or coarser is needed; the brand keeps a millisecond or
 * second value from passing for one. Times enter and leave only through this module, at the edges: proto Timestamp,
 * Cassandra columns (`timestamp` and `bigint`), ISO-8601 text, and the milliseconds of Date.now and of the original
 * systems' JSON. Timer durations handed to Node or Redis (timeouts, cache lifetimes) are not times and stay plain
 * milliseconds named `…Ms`.
 */
declare const microsBrand: unique symbol;
export type Micros = number & { readonly [microsBrand]: 'µs' };

const MICROS_PER_MILLI = 1000;
const MICROS_PER_SECOND = 1_000_000;

export const micros = (value: number) => value as Micros;
export const seconds = (count: number) => micros(count * MICROS_PER_SECOND);
export const minutes = (count: number) => seconds(count * 60);
export const hours = (count: number) => minutes(count * 60);
export const days = (count: number) => hours(count * 24);
export const HOUR = hours(1);
export const DAY = days(1);

export const after = (time: Micros, span: Micros) => micros(time + span);
export const before = (time: Micros, span: Micros) => micros(time - span);
export const elapsed = (from: Micros, to: Micros) => micros(to - from);
export const earliest = (a: Micros, b: Micros) => (a <= b ? a : b);
export const latest = (a: Micros, b: Micros) => (a >= b ? a : b);

/** Start of the UTC hour containing `time`. */
export const hourOf = (time: Micros) => micros(Math.floor(time / HOUR) * HOUR);
/** The last microsecond of the hour that starts at `hour`. */
export const lastMicroOfHour = (hour: Micros) => micros(hour + HOUR - 1);
/** Start of the UTC day containing `time`. */
export const dayOf = (time: Micros) => micros(Math.floor(time / DAY) * DAY);
/** The number of the UTC day containing `time`, counted from 1970-01-01 (day 0). */
export const daysSinceEpoch = (time: Micros) => Math.floor(time / DAY);

/** Whole seconds in a span, rounded down (Cassandra TTLs, cache keys by the second). */
export const wholeSeconds = (span: Micros) => Math.floor(span / MICROS_PER_SECOND);
/** Seconds in a span, rounded up (a TTL that must not end before the span does). */
export const secondsRoundedUp = (span: Micros) => Math.ceil(span / MICROS_PER_SECOND);

// --- Milliseconds: Date.now, JS Dates, the original systems' JSON, performance.now ---

export const fromMillis = (millis: number) => micros(Math.floor(millis * MICROS_PER_MILLI));
export const toMillis = (time: Micros) => Math.floor(time / MICROS_PER_MILLI);
/** A span in milliseconds, to the nearest (durations in the API's answers). */
export const spanInMillis = (span: Micros) => Math.round(span / MICROS_PER_MILLI);

/** The current time; handlers take a Clock so tests can fix "now". */
export type Clock = () => Micros;
export const systemClock: Clock = () => fromMillis(Date.now());
/** The current time to the microsecond the platform's high-resolution clock gives. */
export const preciseNow = () => fromMillis(performance.timeOrigin + performance.now());

/** Seconds since the epoch with a fraction (the original mode system's JSON), to the nearest microsecond. */
export function fromEpochSeconds(value: number): Micros {
  const whole = Math.floor(value);
  return micros(whole * MICROS_PER_SECOND + Math.round((value - whole) * MICROS_PER_SECOND));
}

// --- proto google.protobuf.Timestamp ---

export function fromTimestamp(ts: Timestamp): Micros {
  return micros(ts.seconds * MICROS_PER_SECOND + Math.floor(ts.nanos / 1000));
}

export function toTimestamp(time: Micros): Timestamp {
  const wholeSeconds = Math.floor(time / MICROS_PER_SECOND);
  return { seconds: wholeSeconds, nanos: (time - wholeSeconds * MICROS_PER_SECOND) * 1000 };
}

// --- Cassandra: `timestamp` columns (hours, days), `bigint` columns of microseconds (`…_us`, write times) and of
// milliseconds (`…_ms`, the games' import bookkeeping) ---

export const toCqlTimestamp = (time: Micros) => new Date(toMillis(time));
export const fromCqlTimestamp = (value: Date) => fromMillis(value.getTime());
export const toCqlMicros = (time: Micros) => cassandra.types.Long.fromNumber(time);
export const fromCqlMicros = (value: cassandra.types.Long) => micros(value.toNumber());
export const toCqlMillis = (time: Micros) => cassandra.types.Long.fromNumber(toMillis(time));
export const fromCqlMillis = (value: cassandra.types.Long) => fromMillis(value.toNumber());

// --- ISO-8601 text ---

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO-8601 date-time to the microsecond (Date would keep only milliseconds; finer digits are dropped).
 * Without a zone the time is UTC. Returns undefined for anything that is not a real date-time.
 */
export function parseIso(text: string): Micros | undefined {
  const match = isoPattern.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const wholeMillis = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second);
  const check = new Date(wholeMillis);
  if (
    Number.isNaN(wholeMillis) ||
    check.getUTCFullYear() !== +year ||
    check.getUTCMonth() !== +month - 1 ||
    check.getUTCDate() !== +day ||
    +hour > 23 ||
    +minute > 59 ||
    +second > 59
  ) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return micros(fromMillis(wholeMillis) - minutes(offsetMinutes) + Number(fraction.padEnd(6, '0').slice(0, 6)));
}

/** ISO-8601 in UTC with microseconds, e.g. `2016-12-02T12:48:05.520022Z`. */
export function formatIso(time: Micros): string {
  const millis = toMillis(time);
  const subMillis = String(time - millis * MICROS_PER_MILLI).padStart(3, '0');
  return new Date(millis).toISOString().replace('Z', `${subMillis}Z`);
}

/**
 * Whether a write into this hour may change an answer cached as closed: hours already over, and the current one in
 * its last seconds (a write under way at the turn of the hour can finish after the hour's answer was cached).
 */
export function isClosedOrClosing(hour: Micros, now: Micros): boolean {
  return hour + HOUR <= now + seconds(10);
}
