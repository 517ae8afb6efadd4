import { createRequire } from 'node:module';

const { getCodes } = createRequire(import.meta.url)('country-list') as { getCodes: () => string[] };
const isoCountries = new Set(getCodes());
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Start {
  sessionId: string;
  playerId: string;
  country: string;
  micros: number;
  iso: string;
}

/** Micros since the epoch of the original format's zone-less UTC time with 6 decimals. */
function micros(ts: string): number {
  return Date.parse(`${ts.slice(0, 23)}Z`) * 1000 + Number(ts.slice(23, 26).padEnd(3, '0'));
}

/** One line of the generated session events, as posted to /event-handler. */
export interface OracleEvent {
  event: string;
  country?: string;
  player_id: string;
  session_id: string;
  ts: string;
}

/**
 * An independent computation of what the session system must answer, from the original-format events in the
 * order they were sent: the first valid start and end of a session count, repeats are duplicates.
 */
export class SessionOracle {
  readonly outcomes: string[] = [];
  private readonly starts = new Map<string, Start>();
  private readonly ends = new Map<string, { micros: number; iso: string }>();

  add(event: OracleEvent): void {
    const valid =
      event.player_id !== '' &&
      uuid.test(event.session_id) &&
      (event.event === 'end' || isoCountries.has((event.country ?? '').toUpperCase()));
    if (!valid) {
      this.outcomes.push('rejected');
      return;
    }
    const key = `${event.player_id}/${event.session_id}`;
    const seen = event.event === 'start' ? this.starts : this.ends;
    if (seen.has(key)) {
      this.outcomes.push('duplicate');
      return;
    }
    this.outcomes.push('accepted');
    const time = { micros: micros(event.ts), iso: `${event.ts}Z` };
    if (event.event === 'start') {
      this.starts.set(key, { ...time, sessionId: event.session_id, playerId: event.player_id, country: event.country!.toUpperCase() });
    } else {
      this.ends.set(key, time);
    }
  }

  startsInWindow(country: string, hours: number, nowMs: number): Start[] {
    const to = nowMs * 1000;
    const from = to - hours * 3_600_000_000;
    return [...this.starts.values()]
      .filter((s) => s.country === country && s.micros >= from && s.micros <= to)
      .sort((a, b) => b.micros - a.micros || a.sessionId.localeCompare(b.sessionId));
  }

  countsInWindow(hours: number, nowMs: number): Array<[string, number]> {
    const counts = new Map<string, number>();
    for (const country of new Set([...this.starts.values()].map((s) => s.country))) {
      const n = this.startsInWindow(country, hours, nowMs).length;
      if (n) counts.set(country, n);
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  completedSessions(playerId: string): Array<{ sessionId: string; startIso: string; endIso: string; startMicros: number }> {
    return [...this.starts.entries()]
      .filter(([key, start]) => start.playerId === playerId && this.ends.has(key))
      .map(([key, start]) => ({
        sessionId: start.sessionId,
        startIso: start.iso,
        endIso: this.ends.get(key)!.iso,
        startMicros: start.micros,
      }))
      .sort((a, b) => b.startMicros - a.startMicros);
  }

  busiestCountries(n: number): string[] {
    const counts = new Map<string, number>();
    for (const start of this.starts.values()) counts.set(start.country, (counts.get(start.country) ?? 0) + 1);
    return [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([country]) => country);
  }

  busiestPlayers(n: number): string[] {
    const players = new Set([...this.starts.values()].map((s) => s.playerId));
    return [...players]
      .map((p) => [p, this.completedSessions(p).length] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([p]) => p);
  }
}
