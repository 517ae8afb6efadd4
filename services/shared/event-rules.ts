import { eventTimeProblem } from './retention.js';
import { after, fromTimestamp, micros, toTimestamp, type Micros } from './time.js';
import type { Timestamp } from '../../gen/ts-proto/google/protobuf/timestamp.js';

/** Why one event of a batch is refused: the field's path and the rule it broke. */
export interface Rejection {
  field: string;
  rule: string;
}

export function isRejection(value: object): value is Rejection {
  return 'rule' in value && 'field' in value;
}

/** Most characters of a user, player or match id. */
export const MAX_ID_LENGTH = 128;
/** Most characters of a multiplayer mode's name (the API's rule, which the original routes share). */
export const MAX_MODE_LENGTH = 64;

/** A required id or name of at most `max` characters. */
export function checkId(field: string, value: string, max = MAX_ID_LENGTH): Rejection | undefined {
  if (!value) return { field, rule: 'is required' };
  if (value.length > max) return { field, rule: `must be at most ${max} characters` };
  return undefined;
}

/** The event time in microseconds, or why it is not acceptable (missing, malformed, outside retention). */
export function checkTime(field: string, ts: Timestamp | undefined, now: Micros): Micros | Rejection {
  if (!ts) return { field, rule: 'is required' };
  const invalid = timestampProblem(ts);
  if (invalid) return { field, rule: invalid };
  const time = fromTimestamp(ts);
  const problem = eventTimeProblem(time, now);
  return problem ? { field, rule: problem } : time;
}

/** The range google.protobuf.Timestamp allows: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
const MIN_TIMESTAMP_SECONDS = -62_135_596_800;
const MAX_TIMESTAMP_SECONDS = 253_402_300_799;

/** Why a Timestamp is not a real time (out of protobuf's range, bad nanos), or undefined if it is one. */
export function timestampProblem(ts: Timestamp): string | undefined {
  const { seconds, nanos } = ts;
  if (!Number.isInteger(seconds) || seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS) {
    return 'must be a time from 0001-01-01 to 9999-12-31 (seconds out of range)';
  }
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) return 'must have nanos from 0 to 999999999';
  return undefined;
}

/**
 * The time of an event that came without one: when it arrived, one microsecond apart per position in its request,
 * so that the items of one request take effect in request order.
 */
export function arrivalTime(now: Micros, index: number): Timestamp {
  return toTimestamp(after(now, micros(index)));
}
