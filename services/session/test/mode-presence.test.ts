import { describe, expect, it } from 'vitest';
import { applyModeEvent, type ModeRow, type Presence } from '../mode-presence.js';

const IDLE_US = 7200 * 1_000_000;
const event = (action: 'login' | 'logout', areaCode: string, mode: string, tsUs: number, eventId = `e${tsUs}`): ModeRow => ({
  eventId,
  userId: 'u1',
  areaCode,
  mode,
  action,
  tsUs,
});

/** The user's presence after the events, applied in order (the way one writer at a time would). */
function replay(events: ModeRow[]): Presence | undefined {
  let presence: Presence | undefined;
  for (const e of events) presence = applyModeEvent(presence, e, IDLE_US)?.next ?? presence;
  return presence;
}

const where = (presence: Presence | undefined) => (presence?.present ? `${presence.areaCode}/${presence.mode}` : 'nowhere');

describe('applyModeEvent', () => {
  it('puts a user in the place of a LOGIN and takes them out with a LOGOUT of it', () => {
    expect(where(replay([event('login', '111', 'M1', 1)]))).toBe('111/M1');
    expect(where(replay([event('login', '111', 'M1', 1), event('logout', '111', 'M1', 2)]))).toBe('nowhere');
  });

  it('counts a repeated LOGIN once and never goes below nobody on a LOGOUT without LOGIN', () => {
    const twice = applyModeEvent(replay([event('login', '111', 'M1', 1)]), event('login', '111', 'M1', 2), IDLE_US)!;
    expect(twice.leave).toBeUndefined();
    expect(twice.enter).toEqual({ areaCode: '111', mode: 'M1' });
    const stray = applyModeEvent(undefined, event('logout', '111', 'M1', 1), IDLE_US)!;
    expect(stray.next.present).toBe(false);
    expect(stray.leave).toBeUndefined();
  });

  it('moves a user on a LOGIN elsewhere, and ignores a LOGOUT of a place they are not in', () => {
    const moved = applyModeEvent(replay([event('login', '111', 'M1', 1)]), event('login', '222', 'M2', 2), IDLE_US)!;
    expect(moved.leave).toEqual({ areaCode: '111', mode: 'M1' });
    expect(moved.enter).toEqual({ areaCode: '222', mode: 'M2' });
    expect(where(replay([event('login', '111', 'M1', 1), event('logout', '111', 'M2', 2)]))).toBe('111/M1');
  });

  it('lets the later event win: an older one arriving late changes nothing', () => {
    const current = replay([event('login', '111', 'M1', 10)]);
    expect(applyModeEvent(current, event('logout', '111', 'M1', 5), IDLE_US)).toBeUndefined();
    expect(applyModeEvent(current, event('login', '111', 'M1', 10, 'e0'), IDLE_US)).toBeUndefined();
    expect(applyModeEvent(current, event('logout', '111', 'M1', 10, 'e99'), IDLE_US)?.next.present).toBe(false);
  });

  it('forgets an idle user: a LOGOUT after the idle time finds them nowhere', () => {
    const later = 1 + IDLE_US + 1;
    const change = applyModeEvent(replay([event('login', '111', 'M1', 1)]), event('logout', '222', 'M2', later), IDLE_US)!;
    expect(change.next.present).toBe(false);
    expect(change.leave).toEqual({ areaCode: '111', mode: 'M1' });
  });
});
