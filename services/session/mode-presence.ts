// Where a user is in the multiplayer modes, and how one event changes it: the rules of "active", free of storage.

export type ModeActionName = 'login' | 'logout';

/** A validated mode event. */
export interface ModeRow {
  eventId: string;
  userId: string;
  areaCode: string;
  mode: string;
  action: ModeActionName;
  tsUs: number;
}

/** A user's latest applied event and where it leaves them. */
export interface Presence {
  areaCode: string;
  mode: string;
  present: boolean;
  tsUs: number;
  eventId: string;
}

/** What applying an event does to the index of active users: a place to leave and a place to be in. */
export interface PresenceChange {
  next: Presence;
  leave?: { areaCode: string; mode: string };
  enter?: { areaCode: string; mode: string };
}

/** Whether `event` comes after the user's latest applied event: later time, or the same time and a greater id. */
export function isLaterThan(event: Pick<ModeRow, 'tsUs' | 'eventId'>, current: Pick<Presence, 'tsUs' | 'eventId'>): boolean {
  return event.tsUs > current.tsUs || (event.tsUs === current.tsUs && event.eventId > current.eventId);
}

/**
 * How `event` changes the user's presence, or undefined if it does not apply (it is not later than the latest
 * applied event). A LOGIN puts the user in its place (moving them from any other); a LOGOUT of the place they are in
 * removes them; a LOGOUT of anywhere else leaves them where they are. Either refreshes their idle time. A presence
 * older than `idleUs` before the event has expired: the user was nowhere.
 */
export function applyModeEvent(current: Presence | undefined, event: ModeRow, idleUs: number): PresenceChange | undefined {
  if (current && !isLaterThan(event, current)) return undefined;
  const place = { areaCode: event.areaCode, mode: event.mode };
  const stamp = { tsUs: event.tsUs, eventId: event.eventId };
  const live = current?.present && event.tsUs - current.tsUs <= idleUs ? current : undefined;
  const leave = current?.present ? { areaCode: current.areaCode, mode: current.mode } : undefined;
  if (event.action === 'login') {
    const moved = leave && !samePlace(leave, place);
    return { next: { ...place, present: true, ...stamp }, enter: place, ...(moved ? { leave } : {}) };
  }
  if (live && samePlace(live, place)) return { next: { ...place, present: false, ...stamp }, leave: place };
  if (live) {
    const stays = { areaCode: live.areaCode, mode: live.mode };
    return { next: { ...stays, present: true, ...stamp }, enter: stays };
  }
  return { next: { ...place, present: false, ...stamp }, ...(leave ? { leave } : {}) };
}

function samePlace(a: { areaCode: string; mode: string }, b: { areaCode: string; mode: string }): boolean {
  return a.areaCode === b.areaCode && a.mode === b.mode;
}
