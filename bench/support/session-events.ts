// Session events as the session benchmarks send them: pairs of a start and an end, of 500 players in 20 countries.
import { randomUUID } from 'node:crypto';
import { countryCodes } from '../../services/shared/countries.js';
import { after, before, formatIso, micros, minutes, seconds, systemClock, toTimestamp, type Micros } from '../../services/shared/time.js';
import type { Event } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';

export const busyCountries = countryCodes.slice(0, 20);
export const players = Array.from({ length: 500 }, () => randomUUID().replaceAll('-', ''));

export interface SessionPair {
  playerId: string;
  sessionId: string;
  country: string;
  start: Micros;
  end: Micros;
}

export function newPair(): SessionPair {
  const start = before(systemClock(), micros(Math.floor(Math.random() * minutes(40)) + minutes(1)));
  return {
    playerId: players[Math.floor(Math.random() * players.length)],
    sessionId: randomUUID(),
    country: busyCountries[Math.floor(Math.random() * busyCountries.length)],
    start,
    end: after(start, seconds(30)),
  };
}

/** Ten events: five sessions, each start and end. */
export function batchOfTen(): SessionPair[] {
  return Array.from({ length: 5 }, newPair);
}

export const asGrpcEvents = (pairs: SessionPair[]): Event[] =>
  pairs.flatMap((p) => [
    {
      eventId: '',
      payload: {
        $case: 'sessionStart',
        value: { playerId: p.playerId, sessionId: p.sessionId, country: p.country, ts: toTimestamp(p.start) },
      },
    },
    {
      eventId: '',
      payload: { $case: 'sessionEnd', value: { playerId: p.playerId, sessionId: p.sessionId, ts: toTimestamp(p.end) } },
    },
  ]);

export const asOriginalJson = (pairs: SessionPair[]): string =>
  JSON.stringify(
    pairs.flatMap((p) => [
      { event: 'start', country: p.country, player_id: p.playerId, session_id: p.sessionId, ts: formatIso(p.start) },
      { event: 'end', player_id: p.playerId, session_id: p.sessionId, ts: formatIso(p.end) },
    ]),
  );
