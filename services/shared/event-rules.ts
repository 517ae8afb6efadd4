import { eventTimeProblem } from './retention.js';
import { timestampToMicros } from './time.js';
import type { Timestamp } from '../../gen/ts-proto/google/protobuf/timestamp.js';

/** Why one event of a batch is refused: the field's path and the rule it broke. */
export interface Rejection {
  field: string;
  rule: string;
}

export function isRejection(value: object): value is Rejection {
  return 'rule' in value && 'field' in value;
}

/** A required id or name of at most `max` characters. */
export function checkId(field: string, value: string, max = 128): Rejection | undefined {
  if (!value) return { field, rule: 'is required' };
  if (value.length > max) return { field, rule: `must be at most ${max} characters` };
  return undefined;
}

/** The event time in microseconds, or why it is not acceptable (missing, malformed, outside retention). */
export function checkTime(field: string, ts: Timestamp | undefined, nowMs: number): number | Rejection {
  if (!ts) return { field, rule: 'is required' };
  if (!Number.isFinite(ts.seconds) || ts.nanos < 0 || ts.nanos > 999_999_999) {
    return { field, rule: 'is not a valid timestamp' };
  }
  const micros = timestampToMicros(ts);
  const problem = eventTimeProblem(micros / 1000, nowMs);
  return problem ? { field, rule: problem } : micros;
}
