import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyPresenceState,
  endsLiveHistory,
  mergeModeEvent,
  presenceNow,
  presenceOf,
  type ModeRow,
  type PresenceState,
} from '../mode-presence.js';
import { micros, seconds } from '../../shared/time.js';

const IDLE = micros(10);
const event = (action: 'login' | 'logout', areaCode: string, mode: string, tsUs: number, eventId = `e${tsUs}`): ModeRow => ({
  eventId,
  userId: 'u1',
  areaCode,
  mode,
  action,
  tsUs: micros(tsUs),
});
const merged = (events: ModeRow[]): PresenceState => events.reduce((state, e) => mergeModeEvent(state, e, IDLE), emptyPresenceState());

/** Where the user is after the events, as of the latest event's time: merged state, any arrival order. */
function whereMerged(events: ModeRow[]): string {
  const presence = presenceOf(merged(events), IDLE);
  const now = Math.max(...events.map((e) => e.tsUs));
  return presence && presence.untilUs >= now ? `${presence.areaCode}/${presence.mode} until ${presence.untilUs}` : 'nowhere';
}

/** The rules as written, applied one event at a time in time order: the reference. */
function whereInTimeOrder(events: ModeRow[]): string {
  const sorted = [...events].sort((a, b) => a.tsUs - b.tsUs || (a.eventId < b.eventId ? -1 : 1));
  let place: string | undefined;
  let last = -Infinity;
  for (const e of sorted) {
    if (place && e.tsUs - last > IDLE) place = undefined;
    const here = `${e.areaCode}/${e.mode}`;
    if (e.action === 'login') place = here;
    else if (place === here) place = undefined;
    last = e.tsUs;
  }
  return place ? `${place} until ${last + IDLE}` : 'nowhere';
}

describe('mergeModeEvent and presenceOf', () => {
  it('put a user in the place of a LOGIN and take them out with a LOGOUT of it', () => {
    expect(whereMerged([event('login', '111', 'M1', 1)])).toBe('111/M1 until 11');
    expect(whereMerged([event('login', '111', 'M1', 1), event('logout', '111', 'M1', 2)])).toBe('nowhere');
  });

  it('count a repeated LOGIN once, ignore a LOGOUT without LOGIN, and a LOGOUT of elsewhere', () => {
    expect(whereMerged([event('login', '111', 'M1', 1), event('login', '111', 'M1', 2)])).toBe('111/M1 until 12');
    expect(whereMerged([event('logout', '111', 'M1', 1)])).toBe('nowhere');
    expect(whereMerged([event('login', '111', 'M1', 1), event('logout', '222', 'M1', 5)])).toBe('111/M1 until 15');
  });

  it('move a user on a LOGIN elsewhere, and forget them after the idle time', () => {
    expect(whereMerged([event('login', '111', 'M1', 1), event('login', '222', 'M2', 2)])).toBe('222/M2 until 12');
    expect(whereMerged([event('login', '111', 'M1', 1), event('logout', '222', 'M2', 1 + IDLE + 1)])).toBe('nowhere');
  });

  it('agree with the rules in time order, whatever order the events arrive in, resent or not', () => {
    const modeEvent = fc.record({
      action: fc.constantFrom('login' as const, 'logout' as const),
      areaCode: fc.constantFrom('111', '222'),
      mode: fc.constantFrom('M1', 'M2'),
      tsUs: fc.integer({ min: 0, max: 60 }).map(micros),
    });
    fc.assert(
      fc.property(
        fc.array(modeEvent, { minLength: 1, maxLength: 12 }).chain((raw) => {
          const events = raw.map((e, i) => ({ ...e, eventId: `e${String(i).padStart(2, '0')}`, userId: 'u1' }));
          return fc.tuple(fc.constant(events), fc.shuffledSubarray([...events, ...events], { minLength: events.length * 2 }));
        }),
        ([events, arrivals]) => {
          expect(whereMerged(arrivals)).toBe(whereInTimeOrder(events));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('endsLiveHistory and presenceNow', () => {
  const IDLE_US = seconds(10);
  /** The user's events newest first, back to where the walk of the session service stops. */
  const liveHistory = (events: ModeRow[], nowUs: number): ModeRow[] => {
    const newestFirst = [...events].sort((a, b) => b.tsUs - a.tsUs || (a.eventId < b.eventId ? 1 : -1));
    const history: ModeRow[] = [];
    for (const e of newestFirst) {
      if (endsLiveHistory(e.tsUs, history.at(-1)?.tsUs, micros(nowUs), IDLE_US)) break;
      history.push(e);
    }
    return history;
  };

  it('stop at an event that nothing follows within the idle time once its idle time is over, never before', () => {
    expect(endsLiveHistory(micros(0), undefined, seconds(100), IDLE_US)).toBe(true);
    expect(endsLiveHistory(micros(0), seconds(5), seconds(100), IDLE_US)).toBe(false);
    expect(endsLiveHistory(seconds(95), undefined, seconds(100), IDLE_US)).toBe(false);
  });

  it('put the user where all their events do, now, from the live history alone; other LOGIN places to be cleared', () => {
    const where = (presence: { areaCode: string; mode: string } | undefined) =>
      presence ? `${presence.areaCode}/${presence.mode}` : 'nowhere';
    const modeEvent = fc.record({
      action: fc.constantFrom('login' as const, 'logout' as const),
      areaCode: fc.constantFrom('111', '222'),
      mode: fc.constantFrom('M1', 'M2'),
      tsUs: fc.integer({ min: 0, max: 120 }).map((s) => seconds(s)),
    });
    fc.assert(
      fc.property(fc.array(modeEvent, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 150 }), (raw, nowSeconds) => {
        const events = raw.map((e, i) => ({ ...e, eventId: `e${String(i).padStart(2, '0')}`, userId: 'u1' }));
        const nowUs = seconds(nowSeconds);
        const { here, elsewhere } = presenceNow(liveHistory(events, nowUs), nowUs, IDLE_US);
        const expected = where(presenceNow(events, nowUs, IDLE_US).here);
        expect(where(here)).toBe(expected);
        expect(elsewhere.map(where)).not.toContain(where(here));
      }),
      { numRuns: 2000 },
    );
  });
});
