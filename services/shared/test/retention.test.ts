import { describe, expect, it } from 'vitest';
import { eventTimeProblem, ttlSecondsFor } from '../retention.js';
import { DAY_MS } from '../time.js';

const now = Date.UTC(2026, 10, 22, 12);

describe('eventTimeProblem', () => {
  it('accepts events up to one year old and up to 5 minutes ahead', () => {
    expect(eventTimeProblem(now - 364 * DAY_MS, now)).toBeUndefined();
    expect(eventTimeProblem(now + 4 * 60_000, now)).toBeUndefined();
  });

  it('rejects older than one year and further ahead than 5 minutes', () => {
    expect(eventTimeProblem(now - 366 * DAY_MS, now)).toMatch(/older than one year/);
    expect(eventTimeProblem(now - 365 * DAY_MS, now)).toMatch(/older than one year/);
    expect(eventTimeProblem(now + 6 * 60_000, now)).toMatch(/5 minutes in the future/);
  });
});

describe('ttlSecondsFor', () => {
  it('is one year minus the age of the event', () => {
    expect(ttlSecondsFor(now, now)).toBe(365 * 86_400);
    expect(ttlSecondsFor(now - 100 * DAY_MS, now)).toBe(265 * 86_400);
    expect(ttlSecondsFor(now - 365 * DAY_MS + 1500, now)).toBe(1);
  });
});
