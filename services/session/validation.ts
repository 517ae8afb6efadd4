import { checkId, checkTime, type Rejection } from '../shared/event-rules.js';
import { quoted } from '../shared/quote.js';
import type { Micros } from '../shared/time.js';
import type { SessionEvent } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import { normalizeCountry } from '../shared/countries.js';
import type { SessionHalf } from './store.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks one session event against the API's rules; field paths are those of SessionEvent. */
export function validateSessionEvent(event: SessionEvent, now: Micros): SessionHalf | Rejection {
  const kind = event.kind?.$case;
  if (!kind) return { field: 'kind', rule: 'one of start or end must be set' };
  const value = event.kind!.value;
  const player = checkId(`${kind}.player_id`, value.playerId);
  if (player) return player;
  if (!uuidPattern.test(value.sessionId)) {
    return { field: `${kind}.session_id`, rule: 'must be a UUID such as 4a0c43c9-c43a-42ff-ba55-67563dfa35d4' };
  }
  const time = checkTime(`${kind}.ts`, value.ts, now);
  if (typeof time !== 'number') return time;
  const half: SessionHalf = { kind, playerId: value.playerId, sessionId: value.sessionId.toLowerCase(), tsUs: time };
  if (event.kind!.$case === 'start') {
    const given = event.kind!.value.country;
    const country = normalizeCountry(given);
    if (!country) {
      return { field: 'start.country', rule: `must be an ISO 3166-1 alpha-2 country code, got ${quoted(given)}` };
    }
    half.country = country;
  }
  return half;
}
