import type { Event } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { quoted } from '../../shared/quote.js';
import { parseIso, toTimestamp } from '../../shared/time.js';

/** An event of the original system's format, converted for ingest, or why it could not be converted. */
export type ConvertedEvent = { event: Event; eventId: string } | { problem: { field: string; rule: string }; eventId: string };

/**
 * Converts one event of the original session system's format —
 * `{"event":"start","country":"FI","player_id":"…","session_id":"…","ts":"2016-12-02T12:48:05.520022"}` or an
 * `"end"` without country — into an ingest Event. Missing ids are left for ingest to reject by name; what cannot be
 * expressed in the API at all (wrong types, unknown event kind, unreadable time) is reported here.
 */
export function convertSessionEvent(value: unknown): ConvertedEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: { field: 'event', rule: 'must be a JSON object' }, eventId: '' };
  }
  const raw = value as Record<string, unknown>;
  const eventId = typeof raw.event_id === 'string' ? raw.event_id : '';
  for (const field of ['event_id', 'player_id', 'session_id', 'country', 'ts', 'event']) {
    if (raw[field] !== undefined && raw[field] !== null && typeof raw[field] !== 'string') {
      return { problem: { field, rule: 'must be a string' }, eventId };
    }
  }
  if (raw.event !== 'start' && raw.event !== 'end') {
    return { problem: { field: 'event', rule: `must be "start" or "end", got ${quoted(raw.event ?? null)}` }, eventId };
  }
  if (typeof raw.ts !== 'string' || raw.ts === '') return { problem: { field: 'ts', rule: 'is required' }, eventId };
  const time = parseIso(raw.ts);
  if (time === undefined) {
    return {
      problem: { field: 'ts', rule: `must be an ISO-8601 date-time such as 2016-12-02T12:48:05.520022, got ${quoted(raw.ts)}` },
      eventId,
    };
  }
  const common = {
    playerId: (raw.player_id as string | undefined) ?? '',
    sessionId: (raw.session_id as string | undefined) ?? '',
    ts: toTimestamp(time),
  };
  const payload =
    raw.event === 'start'
      ? { $case: 'sessionStart' as const, value: { ...common, country: (raw.country as string | undefined) ?? '' } }
      : { $case: 'sessionEnd' as const, value: common };
  return { event: { eventId, payload }, eventId };
}
