import { describe, expect, it } from 'vitest';
import { before, days, fromMillis, micros, toTimestamp } from '../../shared/time.js';
import { Emoticon, EngagementKind } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { validateEngagement, validateReaction } from '../validation.js';

const now = fromMillis(Date.UTC(2026, 10, 22, 12, 30));
const aMomentAgo = before(now, micros(1_234_000));

describe('validateEngagement', () => {
  const envelope = (over: Record<string, unknown> = {}) => ({
    eventId: 'e1',
    idAssigned: false,
    event: { user: 'ann', kind: EngagementKind.ENGAGEMENT_KIND_CLICK, ts: toTimestamp(aMomentAgo), ...over },
  });

  it('accepts a click', () => {
    expect(validateEngagement(envelope(), now, 'g1')).toEqual({
      game: 'g1',
      eventId: 'e1',
      idAssigned: false,
      username: 'ann',
      kind: 'click',
      tsUs: aMomentAgo,
    });
  });

  it.each([
    ['event.user', { user: '' }],
    ['event.kind', { kind: EngagementKind.ENGAGEMENT_KIND_UNSPECIFIED }],
    ['event.ts', { ts: toTimestamp(before(now, days(400))) }],
    ['event.ts', { ts: undefined }],
  ])('rejects a bad %s', (field, over) => {
    expect(validateEngagement(envelope(over), now, 'g1')).toMatchObject({ field });
  });

  it('requires an event id', () => {
    expect(validateEngagement({ ...envelope(), eventId: '' }, now, 'g1')).toEqual({ field: 'event_id', rule: 'is required' });
  });
});

describe('validateReaction', () => {
  const envelope = (over: Record<string, unknown> = {}) => ({
    eventId: 'r1',
    idAssigned: false,
    event: { userId: 'u', matchId: 'm', emoticon: Emoticon.EMOTICON_HEART, ts: toTimestamp(now), ...over },
  });

  it('accepts a heart and stores its name', () => {
    expect(validateReaction(envelope(), now, 'g1')).toMatchObject({ game: 'g1', emoticon: 'heart', matchId: 'm', tsUs: now });
  });

  it.each([
    ['event.match_id', { matchId: '' }],
    ['event.user_id', { userId: 'x'.repeat(257) }],
    ['event.emoticon', { emoticon: Emoticon.EMOTICON_UNSPECIFIED }],
    ['event.emoticon', { emoticon: 99 }],
  ])('rejects a bad %s', (field, over) => {
    expect(validateReaction(envelope(over), now, 'g1')).toMatchObject({ field });
  });
});
