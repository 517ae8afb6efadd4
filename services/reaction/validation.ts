import { checkId, checkTime, type Rejection } from '../shared/event-rules.js';
import type { Micros } from '../shared/time.js';
import { EngagementKind, type EngagementEnvelope, type ReactionEnvelope } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { emoticonName } from './emoticons.js';
import type { EngagementRow, ReactionRow } from './store.js';

const MAX_USER_LENGTH = 256;

/** Checks one engagement; field paths are those of EngagementEnvelope. */
export function validateEngagement(envelope: EngagementEnvelope, now: Micros, game: string): EngagementRow | Rejection {
  const idProblem = checkId('event_id', envelope.eventId);
  if (idProblem) return idProblem;
  const event = envelope.event;
  if (!event) return { field: 'event', rule: 'is required' };
  const userProblem = checkId('event.user', event.user, MAX_USER_LENGTH);
  if (userProblem) return userProblem;
  const kind =
    event.kind === EngagementKind.ENGAGEMENT_KIND_CLICK
      ? 'click'
      : event.kind === EngagementKind.ENGAGEMENT_KIND_IMPRESSION
        ? 'impression'
        : undefined;
  if (!kind) return { field: 'event.kind', rule: 'must be ENGAGEMENT_KIND_CLICK or ENGAGEMENT_KIND_IMPRESSION' };
  const time = checkTime('event.ts', event.ts, now);
  if (typeof time !== 'number') return time;
  return { game, eventId: envelope.eventId, idAssigned: envelope.idAssigned, username: event.user, kind, tsUs: time };
}

/** Checks one reaction; field paths are those of ReactionEnvelope. */
export function validateReaction(envelope: ReactionEnvelope, now: Micros, game: string): ReactionRow | Rejection {
  const idProblem = checkId('event_id', envelope.eventId);
  if (idProblem) return idProblem;
  const event = envelope.event;
  if (!event) return { field: 'event', rule: 'is required' };
  const problem = checkId('event.user_id', event.userId, MAX_USER_LENGTH) ?? checkId('event.match_id', event.matchId);
  if (problem) return problem;
  const emoticon = emoticonName(event.emoticon);
  if (!emoticon) return { field: 'event.emoticon', rule: 'must be one of the Emoticon values other than UNSPECIFIED' };
  const time = checkTime('event.ts', event.ts, now);
  if (typeof time !== 'number') return time;
  return {
    game,
    eventId: envelope.eventId,
    idAssigned: envelope.idAssigned,
    matchId: event.matchId,
    emoticon,
    tsUs: time,
  };
}
