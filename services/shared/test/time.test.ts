import { describe, expect, it } from 'vitest';
import {
  days,
  daysSinceEpoch,
  formatIso,
  fromCqlMicros,
  fromCqlMillis,
  fromCqlTimestamp,
  fromEpochSeconds,
  fromMillis,
  fromTimestamp,
  hourOf,
  lastMicroOfHour,
  micros,
  parseIso,
  secondsRoundedUp,
  spanInMillis,
  toCqlMicros,
  toCqlMillis,
  toCqlTimestamp,
  toMillis,
  toTimestamp,
  wholeSeconds,
} from '../time.js';

const utc = (...parts: Parameters<typeof Date.UTC>) => fromMillis(Date.UTC(...parts));

describe('parseIso', () => {
  it('keeps microseconds and reads a time without zone as UTC', () => {
    const time = parseIso('2016-12-02T12:48:05.520022')!;
    expect(toTimestamp(time)).toEqual({ seconds: Date.UTC(2016, 11, 2, 12, 48, 5) / 1000, nanos: 520_022_000 });
    expect(formatIso(time)).toBe('2016-12-02T12:48:05.520022Z');
  });

  it('applies zone offsets', () => {
    expect(parseIso('2016-12-02T14:48:05+02:00')).toBe(parseIso('2016-12-02T12:48:05Z'));
    expect(toTimestamp(parseIso('2016-12-02T10:48:05.5-0200')!)).toEqual({
      seconds: Date.UTC(2016, 11, 2, 12, 48, 5) / 1000,
      nanos: 500_000_000,
    });
  });

  it('drops digits finer than a microsecond', () => {
    expect(parseIso('2016-12-02T12:48:05.123456789Z')).toBe(parseIso('2016-12-02T12:48:05.123456Z'));
  });

  it('rejects what is not a real date-time', () => {
    for (const text of ['', 'yesterday', '2016-02-30T00:00:00', '2016-12-02T24:00:00', '2016-12-02', '1480682885']) {
      expect(parseIso(text), text).toBeUndefined();
    }
  });
});

describe('microsecond times', () => {
  it('round-trips through Timestamp', () => {
    const time = micros(1_795_368_428_820_123);
    expect(fromTimestamp(toTimestamp(time))).toBe(time);
    expect(toTimestamp(time)).toEqual({ seconds: 1_795_368_428, nanos: 820_123_000 });
  });

  it('buckets by UTC hour and day', () => {
    expect(hourOf(utc(2026, 0, 1, 13, 59, 59, 999))).toBe(utc(2026, 0, 1, 13));
    expect(hourOf(utc(2026, 0, 1, 14))).toBe(utc(2026, 0, 1, 14));
    expect(lastMicroOfHour(utc(2026, 0, 1, 14))).toBe(utc(2026, 0, 1, 15) - 1);
    expect(daysSinceEpoch(utc(1970, 0, 3, 23, 59))).toBe(2);
    expect(days(2)).toBe(172_800_000_000);
  });

  it('converts spans to seconds and milliseconds the way each use needs', () => {
    expect(wholeSeconds(micros(2_999_999))).toBe(2);
    expect(secondsRoundedUp(micros(2_000_001))).toBe(3);
    expect(spanInMillis(micros(1_500))).toBe(2);
    expect(toMillis(micros(1_999))).toBe(1);
  });

  it('reads the original systems’ fractional epoch seconds to the nearest microsecond', () => {
    expect(fromEpochSeconds(1_480_682_885_520_022 / 1e6)).toBe(1_480_682_885_520_022);
    expect(toTimestamp(fromEpochSeconds(1_480_682_885 + 0.9999999))).toEqual({ seconds: 1_480_682_886, nanos: 0 });
  });

  it('writes Cassandra columns at their own precision', () => {
    const time = micros(1_795_368_428_820_123);
    expect(toCqlTimestamp(time).toISOString()).toBe('2026-11-22T17:27:08.820Z');
    expect(fromCqlTimestamp(toCqlTimestamp(time))).toBe(1_795_368_428_820_000);
    expect(fromCqlMicros(toCqlMicros(time))).toBe(time);
    expect(fromCqlMillis(toCqlMillis(time))).toBe(1_795_368_428_820_000);
  });
});
