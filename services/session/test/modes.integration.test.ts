// Mode presence over the real Cassandra and Redis, through a real gRPC channel. Every test uses area codes and users
// of its own, so its counts hold only its events; times are real (presence expires by Cassandra TTL).
import { DEFAULT_GAME } from '../../shared/access/game.js';
import { randomUUID } from 'node:crypto';
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseCache } from '../../shared/cache.js';
import { createLogger } from '../../shared/logger.js';
import { systemClock } from '../../shared/time.js';
import { millisOf, timestampAt } from '../../../test/support/caller-time.js';
import { testConfig } from '../../../test/support/env.js';
import { activeRankingGeneration } from '../ranking-generation.js';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import {
  ModeAction,
  type ListPopularModesRequest,
  type ListPopularModesResponse,
  type ModeEventEnvelope,
  type RecordModeEventsResponse,
  type WatchPopularModesResponse,
} from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { PrivateRedis } from '../../../test/support/private-redis.js';
import { createIsolatedKeyspace } from '../../../test/support/stack.js';
import { startSessionService, type SessionHarness } from './harness.js';

let keyspace: Awaited<ReturnType<typeof createIsolatedKeyspace>>;
let service: SessionHarness;
let replica: SessionHarness;
let redis: PrivateRedis;

beforeAll(async () => {
  keyspace = await createIsolatedKeyspace('modes');
  redis = await PrivateRedis.start();
  [service, replica] = await Promise.all([
    startSessionService(systemClock, keyspace.keyspace, redis.url),
    startSessionService(systemClock, keyspace.keyspace, redis.url),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([service?.stop(), replica?.stop()]);
  await redis?.stop();
  await keyspace?.drop();
});

const newArea = () => `a${randomUUID().slice(0, 8)}`;
const newUser = () => `u-${randomUUID().slice(0, 8)}`;
let clockMs = Date.now() - 60_000;
/** Strictly increasing event times, a millisecond apart, in the last minute. */
const nextTime = () => (clockMs += 1);

function modeEvent(action: 'login' | 'logout', userId: string, areaCode: string, mode: string, ms = nextTime()): ModeEventEnvelope {
  const kind = action === 'login' ? ModeAction.MODE_ACTION_LOGIN : ModeAction.MODE_ACTION_LOGOUT;
  return {
    eventId: `mode/${userId}/${areaCode}/${mode}/${kind}/${ms}`,
    event: { userId, areaCode, mode, action: kind, ts: timestampAt(ms) },
  };
}

async function record(on: SessionHarness, ...events: ModeEventEnvelope[]): Promise<EventOutcome[]> {
  const answer = await on.call<{ events: ModeEventEnvelope[] }, RecordModeEventsResponse>(on.client.recordModeEvents, { events });
  return answer.results.map((result) => result.outcome);
}

/** The area's modes as `mode: players`, ranked. */
async function popular(areaCode: string, hours = 0, on = service): Promise<Record<string, number>> {
  const answer = await on.call<ListPopularModesRequest, ListPopularModesResponse>(on.client.listPopularModes, {
    areaCode,
    hours,
    limit: 0,
  });
  return Object.fromEntries(answer.modes.map((mode) => [mode.mode, mode.players]));
}

const { ACCEPTED, DUPLICATE, REJECTED } = {
  ACCEPTED: EventOutcome.EVENT_OUTCOME_ACCEPTED,
  DUPLICATE: EventOutcome.EVENT_OUTCOME_DUPLICATE,
  REJECTED: EventOutcome.EVENT_OUTCOME_REJECTED,
};

describe('mode presence', () => {
  it('counts a user once however often they log in, and a resent event is a duplicate', async () => {
    const [area, user] = [newArea(), newUser()];
    const login = modeEvent('login', user, area, 'Modes1');
    expect(await record(service, login, modeEvent('login', user, area, 'Modes1'))).toEqual([ACCEPTED, ACCEPTED]);
    expect(await record(service, login)).toEqual([DUPLICATE]);
    expect(await popular(area)).toEqual({ Modes1: 1 });
  });

  it('never counts below nobody: a LOGOUT without a LOGIN changes nothing', async () => {
    const [area, user, other] = [newArea(), newUser(), newUser()];
    expect(await record(service, modeEvent('logout', user, area, 'Modes1'))).toEqual([ACCEPTED]);
    await record(service, modeEvent('login', other, area, 'Modes1'), modeEvent('logout', user, area, 'Modes1'));
    expect(await popular(area)).toEqual({ Modes1: 1 });
  });

  it('moves a user between modes and areas, and a LOGOUT elsewhere leaves them where they are', async () => {
    const [area, elsewhere, user] = [newArea(), newArea(), newUser()];
    await record(service, modeEvent('login', user, area, 'Modes1'), modeEvent('login', user, area, 'Modes2'));
    expect(await popular(area)).toEqual({ Modes2: 1 });
    await record(service, modeEvent('login', user, elsewhere, 'Modes1'));
    expect(await popular(area)).toEqual({});
    expect(await popular(elsewhere)).toEqual({ Modes1: 1 });
    await record(service, modeEvent('logout', user, area, 'Modes2'));
    expect(await popular(elsewhere)).toEqual({ Modes1: 1 });
    await record(service, modeEvent('logout', user, elsewhere, 'Modes1'));
    expect(await popular(elsewhere)).toEqual({});
  });

  it('lets the later event win when events arrive out of order', async () => {
    const [area, user] = [newArea(), newUser()];
    const earlier = nextTime();
    const later = nextTime();
    await record(service, modeEvent('login', user, area, 'Modes1', later));
    expect(await record(service, modeEvent('logout', user, area, 'Modes1', earlier))).toEqual([ACCEPTED]);
    expect(await popular(area)).toEqual({ Modes1: 1 });
    await record(service, modeEvent('logout', user, area, 'Modes1'));
    expect(await popular(area)).toEqual({});
  });

  it('applies a late LOGIN as if it had come in time: a LOGOUT of its place that came first still ends it', async () => {
    const [area, user] = [newArea(), newUser()];
    const [first, late, logout] = [nextTime(), nextTime(), nextTime()];
    await record(service, modeEvent('login', user, area, 'Modes1', first), modeEvent('logout', user, area, 'Modes2', logout));
    expect(await popular(area)).toEqual({ Modes1: 1 });
    await record(service, modeEvent('login', user, area, 'Modes2', late));
    expect(await popular(area)).toEqual({});
  });

  it('ranks by players, then by mode name, and counts distinct users who logged in over a window', async () => {
    const area = newArea();
    const [u1, u2, u3] = [newUser(), newUser(), newUser()];
    await record(
      service,
      modeEvent('login', u1, area, 'Beta'),
      modeEvent('login', u2, area, 'Alpha'),
      modeEvent('login', u3, area, 'Beta'),
      modeEvent('logout', u3, area, 'Beta'),
      modeEvent('login', u3, area, 'Gamma'),
    );
    const answer = await service.call<ListPopularModesRequest, ListPopularModesResponse>(service.client.listPopularModes, {
      areaCode: area,
      hours: 0,
      limit: 0,
    });
    expect(answer.modes.map((m) => [m.rank, m.mode, m.players])).toEqual([
      [1, 'Alpha', 1],
      [2, 'Beta', 1],
      [3, 'Gamma', 1],
    ]);
    const window = await service.call<ListPopularModesRequest, ListPopularModesResponse>(service.client.listPopularModes, {
      areaCode: area,
      hours: 1,
      limit: 0,
    });
    expect(window.modes.map((m) => [m.mode, m.players, m.logins])).toEqual([
      ['Beta', 2, 2],
      ['Alpha', 1, 1],
      ['Gamma', 1, 1],
    ]);
  });

  it('stays exact with two replicas writing the same users at once, resent events included', async () => {
    const areas = [newArea(), newArea()];
    const modes = ['Modes1', 'Modes2', 'Modes3'];
    const users = Array.from({ length: 40 }, newUser);
    const expected = new Map<string, number>();
    const events: ModeEventEnvelope[] = [];
    for (const [u, user] of users.entries()) {
      // Each user moves through a few places and may log out of the last one: whatever order these land in, the
      // later event wins, so the end state is the last place (or nowhere).
      const places = Array.from({ length: 3 }, (_, k) => ({ area: areas[(u + k) % 2], mode: modes[(u * 7 + k) % 3] }));
      for (const place of places) events.push(modeEvent('login', user, place.area, place.mode));
      const last = places.at(-1)!;
      if (u % 4 === 0) events.push(modeEvent('logout', user, last.area, last.mode));
      else expected.set(`${last.area}/${last.mode}`, (expected.get(`${last.area}/${last.mode}`) ?? 0) + 1);
    }
    const shuffled = [...events, ...events.slice(0, 30)].sort(() => Math.random() - 0.5);
    const batches = Array.from({ length: Math.ceil(shuffled.length / 10) }, (_, b) => shuffled.slice(b * 10, b * 10 + 10));
    const outcomes = (await Promise.all(batches.map((batch, b) => record(b % 2 ? replica : service, ...batch)))).flat();
    expect(outcomes.filter((outcome) => outcome !== ACCEPTED && outcome !== DUPLICATE)).toEqual([]);
    const counted = new Map<string, number>();
    for (const area of areas) {
      for (const [mode, players] of Object.entries(await popular(area, 0, replica))) counted.set(`${area}/${mode}`, players);
    }
    expect(Object.fromEntries([...counted].sort())).toEqual(Object.fromEntries([...expected].sort()));
  });

  it('says when the area’s first active user goes idle, and renews its ranking generation in Redis after each write', async () => {
    const area = newArea();
    const [first, second] = [newUser(), newUser()];
    const idleMs = testConfig().modeIdleSeconds * 1000;
    const generations = new ResponseCache(redis.url, createLogger('test', 'silent'), `${keyspace.keyspace}:`, 2000);
    for (let i = 0; i < 50 && !generations.connected; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const generation = async () => (await generations.currentGenerations([activeRankingGeneration(DEFAULT_GAME, area)]))?.[0];
    const firstIdleMs = async () => {
      const answer = await service.call<ListPopularModesRequest, ListPopularModesResponse>(service.client.listPopularModes, {
        areaCode: area,
        hours: 0,
        limit: 0,
      });
      return answer.firstIdleAt && millisOf(answer.firstIdleAt);
    };
    try {
      expect(await generation()).toBeNull();
      expect(await firstIdleMs()).toBeUndefined();
      const [earlier, later] = [Date.now() - 30_000, Date.now() - 10_000];
      await record(service, modeEvent('login', first, area, 'Modes1', later), modeEvent('login', second, area, 'Modes2', earlier));
      const afterLogins = await generation();
      expect(afterLogins).toEqual(expect.any(String));
      expect(await firstIdleMs()).toBe(earlier + idleMs);
      await record(replica, modeEvent('logout', second, area, 'Modes2', later + 1));
      expect(await generation()).not.toBe(afterLogins);
      expect(await firstIdleMs()).toBe(later + idleMs);
    } finally {
      generations.close();
    }
  });

  it('answers windows exactly with Redis stopped mid-test', async () => {
    const area = newArea();
    await record(service, modeEvent('login', newUser(), area, 'Modes1'));
    expect(await popular(area, 2)).toEqual({ Modes1: 1 });
    await redis.stop();
    await record(service, modeEvent('login', newUser(), area, 'Modes1'), modeEvent('login', newUser(), area, 'Modes2'));
    expect(await popular(area, 2)).toEqual({ Modes1: 2, Modes2: 1 });
    expect(await popular(area)).toEqual({ Modes1: 2, Modes2: 1 });
  });

  it('refuses bad events one by one and bad questions as INVALID_ARGUMENT naming the field', async () => {
    const area = newArea();
    const tooLong = modeEvent('login', newUser(), area, 'x'.repeat(65));
    const noAction = modeEvent('login', newUser(), area, 'Modes1');
    noAction.event!.action = ModeAction.MODE_ACTION_UNSPECIFIED;
    const answer = await service.call<{ events: ModeEventEnvelope[] }, RecordModeEventsResponse>(service.client.recordModeEvents, {
      events: [tooLong, noAction, modeEvent('login', newUser(), area, 'Modes1')],
    });
    expect(answer.results.map((r) => [r.outcome, r.field])).toEqual([
      [REJECTED, 'mode'],
      [REJECTED, 'action'],
      [ACCEPTED, ''],
    ]);
    for (const [request, field] of [
      [{ areaCode: '', hours: 0, limit: 0 }, 'area_code'],
      [{ areaCode: area, hours: 9000, limit: 0 }, 'hours'],
      [{ areaCode: area, hours: 0, limit: 101 }, 'limit'],
    ] as const) {
      const error = (await service.call(service.client.listPopularModes, request).catch((e: ClientError) => e)) as ClientError;
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(error.details).toContain(field);
    }
  });

  it('refuses a live feed with a bad area code or interval as INVALID_ARGUMENT naming the field', async () => {
    for (const [request, field] of [
      [{ areaCode: '', limit: 0, intervalMs: 0 }, 'area_code'],
      [{ areaCode: newArea(), limit: 0, intervalMs: 50 }, 'interval_ms'],
      [{ areaCode: newArea(), limit: 500, intervalMs: 0 }, 'limit'],
    ] as const) {
      const error = await (async () => {
        try {
          for await (const update of service.client.watchPopularModes(request)) expect.unreachable(`an update: ${JSON.stringify(update)}`);
        } catch (e) {
          return e as ClientError;
        }
      })();
      expect(error?.code).toBe(Status.INVALID_ARGUMENT);
      expect(error?.details).toContain(field);
    }
  });

  it('streams the ranking at once, then when it changes', async () => {
    const area = newArea();
    await record(service, modeEvent('login', newUser(), area, 'Modes1'));
    const updates: WatchPopularModesResponse[] = [];
    const two = (async () => {
      // Leaving the loop cancels the call.
      for await (const update of service.client.watchPopularModes({ areaCode: area, limit: 0, intervalMs: 100 })) {
        updates.push(update);
        if (updates.length === 2) break;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await record(service, modeEvent('login', newUser(), area, 'Modes2'));
    await two;
    expect(updates.map((u) => u.modes.map((m) => `${m.mode}:${m.players}`))).toEqual([['Modes1:1'], ['Modes1:1', 'Modes2:1']]);
  });
});

describe('idle expiry', () => {
  let shortIdle: SessionHarness;
  beforeAll(async () => {
    shortIdle = await startSessionService(systemClock, keyspace.keyspace, undefined, { modeIdleSeconds: 2 });
  });
  afterAll(async () => {
    await shortIdle?.stop();
  });

  it('forgets a user with no event for the idle time, and never counts one whose LOGIN is already idle', async () => {
    const area = newArea();
    await record(shortIdle, modeEvent('login', newUser(), area, 'Modes1', Date.now()));
    await record(shortIdle, modeEvent('login', newUser(), area, 'Modes2', Date.now() - 5000));
    expect(await popular(area, 0, shortIdle)).toEqual({ Modes1: 1 });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await popular(area, 0, shortIdle)).toEqual({});
    expect(await popular(area, 1, shortIdle)).toEqual({ Modes1: 1, Modes2: 1 });
  });
});
