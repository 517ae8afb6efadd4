import { eventTimeProblem } from '../shared/retention.js';
import { timestampToMicros } from '../shared/time.js';
import type { SessionEvent } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { Timestamp } from '../../gen/ts-proto/google/protobuf/timestamp.js';
import { normalizeCountry } from './countries.js';
import type { SessionHalf } from './store.js';

export interface Rejection {
  field: string;
  rule: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_ID_LENGTH = 128;

/** Checks one session event against the API's rules; field paths are those of SessionEvent. */
export function validateSessionEvent(event: SessionEvent, nowMs: number): SessionHalf | Rejection {
  const kind = event.kind?.$case;
  if (!kind) return { field: 'kind', rule: 'one of start or end must be set' };
  const value = event.kind!.value;
  const player = checkId(`${kind}.player_id`, value.playerId);
  if (player) return player;
  if (!uuidPattern.test(value.sessionId)) {
    return { field: `${kind}.session_id`, rule: 'must be a UUID such as 4a0c43c9-c43a-42ff-ba55-67563dfa35d4' };
  }
  const time = checkTime(`${kind}.ts`, value.ts, nowMs);
  if (typeof time !== 'number') return time;
  const half: SessionHalf = { kind, playerId: value.playerId, sessionId: value.sessionId.toLowerCase(), tsUs: time };
  if (event.kind!.$case === 'start') {
    const given = event.kind!.value.country;
    const country = normalizeCountry(given);
    if (!country) {
      return { field: 'start.country', rule: `must be an ISO 3166-1 alpha-2 country code, got "${given}"` };
    }
    half.country = country;
  }
  return half;
}

export function isRejection(value: SessionHalf | Rejection): value is Rejection {
  return 'rule' in value;
}

export function checkId(field: string, value: string): Rejection | undefined {
  if (!value) return { field, rule: 'is required' };
  if (value.length > MAX_ID_LENGTH) return { field, rule: `must be at most ${MAX_ID_LENGTH} characters` };
  return undefined;
}

/** The event time in microseconds, or why it is not acceptable. */
export function checkTime(field: string, ts: Timestamp | undefined, nowMs: number): number | Rejection {
  if (!ts) return { field, rule: 'is required' };
  if (!Number.isFinite(ts.seconds) || ts.nanos < 0 || ts.nanos > 999_999_999) {
    return { field, rule: 'is not a valid timestamp' };
  }
  const micros = timestampToMicros(ts);
  const problem = eventTimeProblem(micros / 1000, nowMs);
  return problem ? { field, rule: problem } : micros;
}
