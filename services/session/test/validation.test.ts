import { describe, expect, it } from 'vitest';
import { after, before, days, fromMillis, minutes, seconds, toTimestamp, type Micros } from '../../shared/time.js';
import type { SessionEvent } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { validateSessionEvent } from '../validation.js';

const now = fromMillis(Date.UTC(2026, 10, 22, 12));
const sessionId = '4a0c43c9-c43a-42ff-ba55-67563dfa35d4';
const start = (over: Partial<{ playerId: string; sessionId: string; country: string; time: Micros }> = {}): SessionEvent => ({
  eventId: 'e',
  kind: {
    $case: 'start',
    value: {
      playerId: over.playerId ?? 'p',
      sessionId: over.sessionId ?? sessionId,
      country: over.country ?? 'fi',
      ts: toTimestamp(over.time ?? before(now, seconds(1))),
    },
  },
});

describe('validateSessionEvent', () => {
  it('accepts a start and normalizes its country and session id', () => {
    expect(validateSessionEvent(start({ sessionId: sessionId.toUpperCase() }), now)).toEqual({
      kind: 'start',
      playerId: 'p',
      sessionId,
      country: 'FI',
      tsUs: before(now, seconds(1)),
    });
  });

  it('accepts an end without a country', () => {
    const end: SessionEvent = { eventId: 'e', kind: { $case: 'end', value: { playerId: 'p', sessionId, ts: toTimestamp(now) } } };
    const result = validateSessionEvent(end, now);
    expect(result).toMatchObject({ kind: 'end', playerId: 'p', sessionId });
    expect(result).not.toHaveProperty('country');
  });

  it.each([
    ['start.country', start({ country: 'Code' }), /ISO 3166-1 alpha-2/],
    ['start.country', start({ country: '(.uk)' }), /ISO 3166-1 alpha-2/],
    ['start.player_id', start({ playerId: '' }), /required/],
    ['start.player_id', start({ playerId: 'x'.repeat(129) }), /at most 128/],
    ['start.session_id', start({ sessionId: 'not-a-uuid' }), /UUID/],
    ['start.ts', start({ time: before(now, days(366)) }), /older than one year/],
    ['start.ts', start({ time: after(now, minutes(6)) }), /future/],
    ['kind', { eventId: 'e', kind: undefined }, /start or end/],
  ])('rejects a bad %s', (field, event, rule) => {
    const result = validateSessionEvent(event, now);
    expect(result).toMatchObject({ field, rule: expect.stringMatching(rule) });
  });

  it('rejects a missing timestamp', () => {
    const event: SessionEvent = { eventId: 'e', kind: { $case: 'end', value: { playerId: 'p', sessionId, ts: undefined } } };
    expect(validateSessionEvent(event, now)).toEqual({ field: 'end.ts', rule: 'is required' });
  });
});
