import { describe, expect, it } from 'vitest';
import { eventTimeProblem, ttlSecondsFor } from '../retention.js';
import { after, before, days, fromMillis, micros, minutes } from '../time.js';

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
