import type { Timestamp } from '../../gen/ts-proto/google/protobuf/timestamp.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Microseconds since the epoch (exact for every date within ±285 years of 1970 as a JS number). */
export function timestampToMicros(ts: Timestamp): number {
  return ts.seconds * 1_000_000 + Math.floor(ts.nanos / 1000);
}

export function microsToTimestamp(micros: number): Timestamp {
  const seconds = Math.floor(micros / 1_000_000);
  return { seconds, nanos: (micros - seconds * 1_000_000) * 1000 };
}

export function millisToTimestamp(millis: number): Timestamp {
  return microsToTimestamp(millis * 1000);
}

/** Start of the UTC hour containing `millis`. */
export function hourOf(millis: number): number {
  return Math.floor(millis / HOUR_MS) * HOUR_MS;
}

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO-8601 date-time, keeping up to nanosecond precision (Date would keep only milliseconds).
 * Without a zone the time is UTC. Returns undefined for anything that is not a real date-time.
 */
export function parseIsoTimestamp(text: string): Timestamp | undefined {
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
  return {
    seconds: wholeMillis / 1000 - offsetMinutes * 60,
    nanos: Number(fraction.padEnd(9, '0')),
  };
}

/** ISO-8601 in UTC with microseconds, e.g. `2016-12-02T12:48:05.520022Z`. */
export function formatIsoMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const subMillis = String(micros - millis * 1000).padStart(3, '0');
  return new Date(millis).toISOString().replace('Z', `${subMillis}Z`);
}

/** The current time in milliseconds; handlers take one so tests can fix "now". */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

/**
 * Whether a write into this hour may change an answer cached as closed: hours already over, and the current one in
 * its last seconds (a write under way at the turn of the hour can finish after the hour's answer was cached).
 */
export function isClosedOrClosing(hourMs: number, nowMs: number): boolean {
  return hourMs + HOUR_MS <= nowMs + 10_000;
}
