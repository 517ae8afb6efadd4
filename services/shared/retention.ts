import { DAY_MS } from './time.js';

/** Events and rows live one year (365 days) after their event time. */
export const RETENTION_MS = 365 * DAY_MS;
/** Clients' clocks may run ahead a little; further in the future is a bad timestamp. */
export const MAX_FUTURE_MS = 5 * 60_000;

/** Why an event time is not acceptable now, or undefined if it is. */
export function eventTimeProblem(eventMs: number, nowMs: number): string | undefined {
  if (eventMs <= nowMs - RETENTION_MS) return 'is older than one year (365 days), the retention period';
  if (eventMs > nowMs + MAX_FUTURE_MS) return 'is more than 5 minutes in the future';
  return undefined;
}

/** The TTL (seconds) that makes a row die one year after its event time: one year minus the event's age. */
export function ttlSecondsFor(eventMs: number, nowMs: number): number {
  return Math.max(1, Math.floor((eventMs + RETENTION_MS - nowMs) / 1000));
}
