// The simulator's traffic model: every kind of event in about the intended shares, sessions that end only after they
// started (and in the country of their player), logouts only of a mode the user is in, and reaction bursts on one
// match at a time.
import { describe, expect, it } from 'vitest';
import { ModeAction, type EventInit } from '@gamepulse/client';
import { SIMULATED_MATCHES, TrafficModel } from '../../scripts/simulation/traffic-model.js';

/** A seeded generator (mulberry32): the same events every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('TrafficModel', () => {
  let sessions = 0;
  const model = new TrafficModel(50, seeded(7), () => `s-${sessions++}`);
  const events: EventInit[] = Array.from({ length: 20_000 }, () => model.next(new Date('2026-12-04T12:00:00Z')));
  const kinds = (kind: string) => events.filter((event) => event.payload?.case === kind);

  it('sends every kind of event in about the intended shares', () => {
    expect(kinds('reaction').length / events.length).toBeCloseTo(0.4, 1);
    expect(kinds('engagement').length / events.length).toBeCloseTo(0.3, 1);
    expect((kinds('sessionStart').length + kinds('sessionEnd').length) / events.length).toBeCloseTo(0.15, 1);
    expect(kinds('mode').length / events.length).toBeCloseTo(0.15, 1);
  });

  it('ends only sessions that started, each once, and starts in the player’s one country', () => {
    const open = new Map<string, string>();
    const countryOf = new Map<string, string>();
    for (const event of events) {
      if (event.payload?.case === 'sessionStart') {
        const { playerId, sessionId, country } = event.payload.value;
        expect(open.has(playerId!)).toBe(false);
        open.set(playerId!, sessionId!);
        expect(countryOf.get(playerId!) ?? country).toBe(country);
        countryOf.set(playerId!, country!);
      } else if (event.payload?.case === 'sessionEnd') {
        const { playerId, sessionId } = event.payload.value;
        expect(open.get(playerId!)).toBe(sessionId);
        open.delete(playerId!);
      }
    }
    expect(countryOf.size).toBe(50);
  });

  it('logs users out only of the mode they are in', () => {
    const modeOf = new Map<string, string>();
    let logouts = 0;
    for (const event of kinds('mode')) {
      if (event.payload?.case !== 'mode') continue;
      const { userId, mode, action } = event.payload.value;
      if (action === ModeAction.LOGOUT) {
        expect(modeOf.get(userId!)).toBe(mode);
        modeOf.delete(userId!);
        logouts++;
      } else modeOf.set(userId!, mode!);
    }
    expect(logouts).toBeGreaterThan(0);
  });

  it('has bursts: runs of reactions on one match far longer than chance would give', () => {
    let longest = 0;
    let run = 0;
    let last = '';
    for (const event of kinds('reaction')) {
      const match = event.payload?.case === 'reaction' ? event.payload.value.matchId! : '';
      run = match === last ? run + 1 : 1;
      last = match;
      longest = Math.max(longest, run);
    }
    expect(SIMULATED_MATCHES).toContain(last);
    expect(longest).toBeGreaterThanOrEqual(100);
  });
});
