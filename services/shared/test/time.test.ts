import { describe, expect, it } from 'vitest';
import { formatIsoMicros, hourOf, microsToTimestamp, parseIsoTimestamp, timestampToMicros } from '../time.js';

describe('parseIsoTimestamp', () => {
  it('keeps microseconds and reads a time without zone as UTC', () => {
    const ts = parseIsoTimestamp('2016-12-02T12:48:05.520022')!;
    expect(ts).toEqual({ seconds: Date.UTC(2016, 11, 2, 12, 48, 5) / 1000, nanos: 520_022_000 });
    expect(formatIsoMicros(timestampToMicros(ts))).toBe('2016-12-02T12:48:05.520022Z');
  });

  it('applies zone offsets', () => {
    expect(parseIsoTimestamp('2016-12-02T14:48:05+02:00')).toEqual(parseIsoTimestamp('2016-12-02T12:48:05Z'));
    expect(parseIsoTimestamp('2016-12-02T10:48:05.5-0200')).toEqual({
      seconds: Date.UTC(2016, 11, 2, 12, 48, 5) / 1000,
      nanos: 500_000_000,
    });
  });

  it('rejects what is not a real date-time', () => {
    for (const text of ['', 'yesterday', '2016-02-30T00:00:00', '2016-12-02T24:00:00', '2016-12-02', '1480682885']) {
      expect(parseIsoTimestamp(text), text).toBeUndefined();
    }
  });
});

describe('microsecond timestamps', () => {
  it('round-trips through Timestamp', () => {
    const micros = 1_795_368_428_820_123;
    expect(timestampToMicros(microsToTimestamp(micros))).toBe(micros);
  });

  it('buckets by UTC hour', () => {
    expect(hourOf(Date.UTC(2026, 0, 1, 13, 59, 59, 999))).toBe(Date.UTC(2026, 0, 1, 13));
    expect(hourOf(Date.UTC(2026, 0, 1, 14))).toBe(Date.UTC(2026, 0, 1, 14));
  });
});
