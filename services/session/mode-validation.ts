import { arrivalTime, checkId, checkTime, MAX_MODE_LENGTH, type Rejection } from '../shared/event-rules.js';
import { ModeAction, type ModeEventEnvelope } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { ModeActionName, ModeRow } from './mode-presence.js';
import type { Micros } from '../shared/time.js';

export const MAX_AREA_CODE_LENGTH = 16;

const actionNames: Partial<Record<ModeAction, ModeActionName>> = {
  [ModeAction.MODE_ACTION_LOGIN]: 'login',
  [ModeAction.MODE_ACTION_LOGOUT]: 'logout',
};

/**
 * Checks one mode event against the API's rules (field paths are those of ModeEvent). An event without a time takes
 * its arrival: `now` plus its position in the request, in microseconds.
 */
export function validateModeEvent(envelope: ModeEventEnvelope, index: number, now: Micros): ModeRow | Rejection {
  const event = envelope.event;
  if (!event) return { field: 'event', rule: 'is required' };
  const problem =
    checkId('user_id', event.userId) ??
    checkId('area_code', event.areaCode, MAX_AREA_CODE_LENGTH) ??
    checkId('mode', event.mode, MAX_MODE_LENGTH);
  if (problem) return problem;
  const action = actionNames[event.action];
  if (!action) return { field: 'action', rule: 'must be MODE_ACTION_LOGIN or MODE_ACTION_LOGOUT' };
  const time = checkTime('ts', event.ts ?? arrivalTime(now, index), now);
  if (typeof time !== 'number') return time;
  return { eventId: envelope.eventId, userId: event.userId, areaCode: event.areaCode, mode: event.mode, action, tsUs: time };
}
