import { fromMillis, fromTimestamp, hourOf, toMillis, toTimestamp } from '../../services/shared/time.js';
import type { Timestamp } from '../../gen/ts-proto/google/protobuf/timestamp.js';

// Times as the tests' callers write them, like the original systems' clients: milliseconds since the epoch. The
// conversions go through the services' own time module.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const timestampAt = (millis: number): Timestamp => toTimestamp(fromMillis(millis));
export const millisOf = (ts: Timestamp): number => toMillis(fromTimestamp(ts));
export const hourStartMs = (millis: number): number => toMillis(hourOf(fromMillis(millis)));
