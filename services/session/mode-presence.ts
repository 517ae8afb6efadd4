// Where a user is in the multiplayer modes: the rules of "active", free of storage.
//
// The rules, applied to a user's events in time order: a LOGIN puts the user in its place (moving them from any
// other); a LOGOUT of the place they are in removes them, a LOGOUT of anywhere else changes nothing; a user with no
// event for the idle time is nowhere. Events arrive in any order and from several writers, so the state kept is
// what those rules need and can be merged in any order with the same result: the latest LOGIN, the latest LOGOUT of
// each place after it, and the times of the events since it as runs (events at most the idle time apart).

import { after, elapsed, latest, seconds, type Micros } from '../shared/time.js';

export type ModeActionName = 'login' | 'logout';

/** A validated mode event. */
export interface ModeRow {
  eventId: string;
  userId: string;
  areaCode: string;
  mode: string;
  action: ModeActionName;
  tsUs: Micros;
}

export interface Place {
  areaCode: string;
  mode: string;
}

interface Stamp {
  tsUs: Micros;
  eventId: string;
}

/** What is kept of a user's mode events. */
export interface PresenceState {
  login?: Place & Stamp;
  /** The latest LOGOUT of each place (key: placeKey) that came after `login`. */
  logouts: Record<string, Stamp>;
  /** Times of the user's events since `login` (all of them, without one), as [first, last] runs, sorted. */
  runs: Run[];
}

/** The first and last time of events at most the idle time apart. */
type Run = [Micros, Micros];

/** Where the state puts the user, and until when (the end of their unbroken run of events plus the idle time). */
export interface Presence extends Place {
  untilUs: Micros;
}

/** Bounds on what one user's state holds; only a user sending LOGOUTs of many places without a LOGIN reaches them. */
const MAX_LOGOUTS = 32;
const MAX_RUNS = 32;

export const emptyPresenceState = (): PresenceState => ({ logouts: {}, runs: [] });

export const placeKey = (place: Place) => `${place.areaCode}\u0000${place.mode}`;

/** Whether `a` comes after `b`: a later time, or the same time and a greater event id. */
export function isLaterThan(a: Stamp, b: Stamp): boolean {
  return a.tsUs > b.tsUs || (a.tsUs === b.tsUs && a.eventId > b.eventId);
}

/** The state with `event` merged in. Merging is order-free and idempotent: any order of the same events agrees. */
export function mergeModeEvent(state: PresenceState, event: ModeRow, idle: Micros): PresenceState {
  const stamp = { tsUs: event.tsUs, eventId: event.eventId };
  const place = { areaCode: event.areaCode, mode: event.mode };
  let login = state.login;
  const logouts = { ...state.logouts };
  if (event.action === 'login' && (!login || isLaterThan(stamp, login))) login = { ...place, ...stamp };
  if (event.action === 'logout') {
    const key = placeKey(place);
    const known = logouts[key];
    if (!known || isLaterThan(stamp, known)) logouts[key] = stamp;
  }
  let runs = withTime(state.runs, event.tsUs, idle);
  if (login) {
    for (const [key, logout] of Object.entries(logouts)) if (!isLaterThan(logout, login)) delete logouts[key];
    runs = runs.filter(([, last]) => last >= login.tsUs).map(([first, last]): Run => [latest(first, login.tsUs), last]);
  }
  return { ...(login ? { login } : {}), logouts: newest(logouts, MAX_LOGOUTS), runs: runs.slice(-MAX_RUNS) };
}

/** Where the user is, if anywhere, and until when (whatever the time now: the caller compares). */
export function presenceOf(state: PresenceState, idle: Micros): Presence | undefined {
  const { login } = state;
  if (!login) return undefined;
  const logout = state.logouts[placeKey(login)];
  if (logout && isLaterThan(logout, login)) return undefined;
  const run = state.runs.find(([first, last]) => first <= login.tsUs && login.tsUs <= last);
  return { areaCode: login.areaCode, mode: login.mode, untilUs: after(run?.[1] ?? login.tsUs, idle) };
}

/** `runs` with the time added: runs closer than the idle time join. */
function withTime(runs: Run[], time: Micros, idle: Micros): Run[] {
  const all = [...runs, [time, time] as Run].sort((a, b) => a[0] - b[0]);
  const joined: Run[] = [];
  for (const [first, last] of all) {
    const previous = joined.at(-1);
    if (previous && elapsed(previous[1], first) <= idle) previous[1] = latest(previous[1], last);
    else joined.push([first, last]);
  }
  return joined;
}

function newest(logouts: Record<string, Stamp>, max: number): Record<string, Stamp> {
  const entries = Object.entries(logouts);
  if (entries.length <= max) return logouts;
  return Object.fromEntries(entries.sort((a, b) => b[1].tsUs - a[1].tsUs).slice(0, max));
}

/**
 * Index rows carry a TTL rounded up to whole seconds, so a row may outlive its presence by up to a second: the history
 * walked back reaches this much further, so that such rows are still seen and removed.
 */
const TTL_ROUNDING_MARGIN = seconds(5);

/**
 * Whether, walking a user's events newest first, the event at `tsUs` (and every older one) can no longer put the user
 * anywhere now: nothing follows it within the idle time (`newerUs`, the oldest event seen so far), and its own idle
 * time is over. A LOGIN at or before it would be idle by now, so the walk stops there.
 */
export function endsLiveHistory(tsUs: Micros, newerUs: Micros | undefined, now: Micros, idle: Micros): boolean {
  const followed = newerUs !== undefined && elapsed(tsUs, newerUs) <= idle;
  return !followed && after(after(tsUs, idle), TTL_ROUNDING_MARGIN) < now;
}

/** What a user's live history (their events back to where `endsLiveHistory` stops) says about them now. */
export interface PresenceNow {
  /** Where the user is now, if anywhere. */
  here?: Presence;
  /** Places of the history's LOGINs other than `here`: any of them may have been published by a writer that saw less. */
  elsewhere: Place[];
}

export function presenceNow(history: ModeRow[], now: Micros, idle: Micros): PresenceNow {
  const state = history.reduce((merged, event) => mergeModeEvent(merged, event, idle), emptyPresenceState());
  const presence = presenceOf(state, idle);
  const here = presence && presence.untilUs > now ? presence : undefined;
  const places = new Map<string, Place>();
  for (const event of history) {
    if (event.action === 'login') places.set(placeKey(event), { areaCode: event.areaCode, mode: event.mode });
  }
  if (here) places.delete(placeKey(here));
  return { ...(here ? { here } : {}), elsewhere: [...places.values()] };
}
