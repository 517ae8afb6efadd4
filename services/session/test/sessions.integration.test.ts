// The session service over the real Cassandra and Redis, called through a real gRPC channel, on a keyspace of this
// run's own. Each test runs at its own "now" on a random past day, so its windows hold only its own events.
import { DEFAULT_GAME } from '../../shared/access/game.js';
import { randomUUID } from 'node:crypto';
import { Status } from 'nice-grpc';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromMillis } from '../../shared/time.js';
import { DAY_MS, HOUR_MS, timestampAt as at } from '../../../test/support/caller-time.js';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import {
  CountSessionStartsRequest,
  ListCompletedSessionsRequest,
  ListSessionStartsRequest,
  type CountSessionStartsResponse,
  type ListCompletedSessionsResponse,
  type ListSessionStartsResponse,
  type RecordSessionEventsResponse,
  type SessionEvent,
} from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { PrivateRedis } from '../../../test/support/private-redis.js';
import { createIsolatedKeyspace } from '../../../test/support/stack.js';
import { startSessionService, type SessionHarness } from './harness.js';

let now = 0;
const clock = () => fromMillis(now);
let service: SessionHarness;
let keyspace: Awaited<ReturnType<typeof createIsolatedKeyspace>>;

// The TTL test writes at the real time 100 days ago: no "now" of another test may sit beside it.
const usedDays = new Set<number>([Math.floor((Date.now() - 100 * DAY_MS) / DAY_MS) * DAY_MS]);

/** A new "now": 00:20 UTC of a random day 30 to 300 days ago that no other test of this file has used. */
function freshNow(): number {
  let day: number;
  do day = Math.floor((Date.now() - (30 + Math.random() * 270) * DAY_MS) / DAY_MS) * DAY_MS;
  while (usedDays.has(day) || usedDays.has(day - DAY_MS) || usedDays.has(day + DAY_MS));
  usedDays.add(day);
  now = day + 20 * 60_000;
  return now;
}

const start = (playerId: string, sessionId: string, country: string, ms: number): SessionEvent => ({
  eventId: '',
  kind: { $case: 'start', value: { playerId, sessionId, country, ts: at(ms) } },
});
const end = (playerId: string, sessionId: string, ms: number): SessionEvent => ({
  eventId: '',
  kind: { $case: 'end', value: { playerId, sessionId, ts: at(ms) } },
});
const player = () => `player-${randomUUID()}`;

const record = (...events: SessionEvent[]) => recordOn(service, ...events);

async function recordOn(on: SessionHarness, ...events: SessionEvent[]): Promise<string[]> {
  const response = await on.call<{ events: SessionEvent[] }, RecordSessionEventsResponse>(on.client.recordSessionEvents, {
    events,
  });
  const names = { [EventOutcome.EVENT_OUTCOME_ACCEPTED]: 'accepted', [EventOutcome.EVENT_OUTCOME_DUPLICATE]: 'duplicate' };
  return response.results.map((r) => names[r.outcome as keyof typeof names] ?? `rejected ${r.reason}`);
}

const countStarts = (hours: number, on = service) =>
  on.call<CountSessionStartsRequest, CountSessionStartsResponse>(on.client.countSessionStarts, { hours });
const completed = (playerId: string, limit = 0) =>
  service.call<ListCompletedSessionsRequest, ListCompletedSessionsResponse>(service.client.listCompletedSessions, {
    playerId,
    limit,
  });
const listStarts = (country: string, hours: number, pageSize = 0, pageToken = '') =>
  service.call<ListSessionStartsRequest, ListSessionStartsResponse>(service.client.listSessionStarts, {
    country,
    hours,
    pageSize,
    pageToken,
  });
const countOf = (response: CountSessionStartsResponse, country: string) =>
  response.countries.find((c) => c.country === country)?.starts ?? 0;

beforeAll(async () => {
  freshNow();
  keyspace = await createIsolatedKeyspace('sessions_it');
  service = await startSessionService(clock, keyspace.keyspace);
});
afterAll(async () => {
  await service?.stop();
  await keyspace?.drop();
});

describe('recording sessions', () => {
  it('completes a session whose end arrives before its start', async () => {
    freshNow();
    const p = player();
    const s = randomUUID();
    expect(await record(end(p, s, now - 60_000))).toEqual(['accepted']);
    expect((await completed(p)).sessions).toEqual([]);
    expect(await record(start(p, s, 'FI', now - 600_000))).toEqual(['accepted']);
    const { sessions } = await completed(p);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ sessionId: s, country: 'FI', durationMs: 540_000 });
  });

  it('completes sessions whose halves race each other in separate calls', async () => {
    freshNow();
    const p = player();
    const ids = Array.from({ length: 30 }, () => randomUUID());
    await Promise.all(ids.flatMap((s, i) => [record(start(p, s, 'SE', now - HOUR_MS + i * 1000)), record(end(p, s, now - i * 1000))]));
    expect((await completed(p, 100)).sessions.map((x) => x.sessionId).sort()).toEqual([...ids].sort());
  });

  it('answers duplicate for a retried batch and a repeated half, and counts nothing twice', async () => {
    freshNow();
    const p = player();
    const s = randomUUID();
    const batch = [start(p, s, 'NO', now - 5 * 60_000), end(p, s, now - 60_000)];
    expect(await record(...batch)).toEqual(['accepted', 'accepted']);
    expect(await record(...batch)).toEqual(['duplicate', 'duplicate']);
    expect(await record(start(p, s, 'NO', now - 4 * 60_000))).toEqual(['duplicate']);
    expect(await record(start(p, randomUUID(), 'NO', now - 3 * 60_000), start(p, randomUUID(), 'NO', now - 2 * 60_000))).toEqual([
      'accepted',
      'accepted',
    ]);
    expect(countOf(await countStarts(1), 'NO')).toBe(3);
    expect((await completed(p)).sessions).toHaveLength(1);
  });

  it('keeps events up to one year old and rejects older or far-future ones by field', async () => {
    now = Date.now();
    const p = player();
    expect(await record(start(p, randomUUID(), 'DK', now - 364 * DAY_MS))).toEqual(['accepted']);
    const [old] = await record(start(p, randomUUID(), 'DK', now - 366 * DAY_MS));
    expect(old).toBe('rejected start.ts: is older than one year (365 days), the retention period');
    const [future] = await record(end(p, randomUUID(), now + 6 * 60_000));
    expect(future).toMatch(/^rejected end\.ts: .*future/);
    const [junk] = await record(start(p, randomUUID(), '(.uk)', now));
    expect(junk).toMatch(/^rejected start\.country/);
  });

  it('rejects an empty batch and one over 500 events as a whole', async () => {
    await expect(record()).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT, details: expect.stringMatching(/^events: /) });
    const many = Array.from({ length: 501 }, () => end(player(), randomUUID(), now));
    await expect(record(...many)).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT });
  });

  it('writes every row with a TTL that ends one year after the event time', async () => {
    now = Date.now();
    const p = player();
    const s = randomUUID();
    const eventMs = now - 100 * DAY_MS;
    await record(start(p, s, 'IS', eventMs), end(p, s, eventMs + 60_000));
    const expected = (365 - 100) * 86_400;
    const ttl = async (query: string, params: unknown[]) =>
      Number((await service.cassandra.execute(query, params, { prepare: true })).first().get(0));
    const hour = new Date(Math.floor(eventMs / HOUR_MS) * HOUR_MS);
    const startUs = cassandra.types.Long.fromNumber(eventMs * 1000);
    const ttls = [
      await ttl(
        'SELECT TTL(player_id) FROM game_session_starts_by_country_hour WHERE game = ? AND country = ? AND hour = ? AND start_us = ? AND session_id = ?',
        [DEFAULT_GAME, 'IS', hour, startUs, s],
      ),
      await ttl('SELECT TTL(country) FROM game_session_parts_by_player WHERE game = ? AND player_id = ? AND session_id = ?', [
        DEFAULT_GAME,
        p,
        s,
      ]),
      await ttl(
        'SELECT TTL(end_us) FROM game_completed_sessions_by_player WHERE game = ? AND player_id = ? AND start_us = ? AND session_id = ?',
        [DEFAULT_GAME, p, startUs, s],
      ),
    ];
    for (const value of ttls) {
      expect(value).toBeGreaterThan(expected - 60);
      expect(value).toBeLessThanOrEqual(expected);
    }
  });
});

describe('session starts in the last X hours', () => {
  it('counts exactly to the event time across hour and day boundaries', async () => {
    freshNow(); // 00:20 UTC: a 2-hour window is [22:20 yesterday, 00:20]
    const windowStart = now - 2 * HOUR_MS;
    const inside = [windowStart, windowStart + 1, now - 50 * 60_000, now - 19 * 60_000, now - 1, now];
    const outside = [windowStart - 1, windowStart - HOUR_MS, now + 1, now + 60_000];
    await record(...[...inside, ...outside].map((ms) => start(player(), randomUUID(), 'EE', ms)));
    expect(countOf(await countStarts(2), 'EE')).toBe(inside.length);
    const listed = (await listStarts('EE', 2)).starts.map((x) => x.ts!.seconds * 1000 + x.ts!.nanos / 1e6);
    expect(listed).toEqual([...inside].sort((a, b) => b - a));
  });

  it('sorts countries by count and then by code, and validates hours', async () => {
    freshNow();
    const events = [
      ...Array.from({ length: 3 }, () => start(player(), randomUUID(), 'LT', now - 10 * 60_000)),
      ...Array.from({ length: 3 }, () => start(player(), randomUUID(), 'LV', now - 70 * 60_000)),
      ...Array.from({ length: 5 }, () => start(player(), randomUUID(), 'PL', now - 30 * 60_000)),
    ];
    await record(...events);
    const { countries } = await countStarts(3);
    expect(countries).toEqual([
      { country: 'PL', starts: 5 },
      { country: 'LT', starts: 3 },
      { country: 'LV', starts: 3 },
    ]);
    await expect(countStarts(0)).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT, details: expect.stringMatching(/^hours:/) });
    await expect(countStarts(8761)).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT });
  });

  it('pages through a country newest first with opaque tokens', async () => {
    freshNow();
    const times = Array.from({ length: 25 }, (_, i) => now - i * 7 * 60_000); // across 3 hours
    await record(...times.map((ms) => start(player(), randomUUID(), 'HU', ms)));
    const seen: number[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await listStarts('HU', 4, 10, token);
      seen.push(...page.starts.map((x) => x.ts!.seconds * 1000 + Math.round(x.ts!.nanos / 1e6)));
      token = page.nextPageToken;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual(times);
    expect(pages).toBe(3);
    const first = await listStarts('HU', 4, 10);
    await expect(listStarts('AT', 4, 10, first.nextPageToken)).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT });
    await expect(listStarts('XX', 4)).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT, details: expect.stringMatching(/^country:/) });
  });

  it('stays correct when Redis stops in the middle, and sees late events in cached closed hours', async () => {
    freshNow();
    const redis = await PrivateRedis.start();
    const cached = await startSessionService(clock, keyspace.keyspace, redis.url);
    try {
      await record(...Array.from({ length: 4 }, () => start(player(), randomUUID(), 'RO', now - 5 * HOUR_MS)));
      expect(countOf(await countStarts(8, cached), 'RO')).toBe(4);
      // The service's Redis client connects in the background and caches fire-and-forget: ask until it has.
      for (let attempt = 0; attempt < 50 && (await redis.keys('*hour-counts*')).length === 0; attempt++) {
        now += 1000;
        expect(countOf(await countStarts(8, cached), 'RO')).toBe(4);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await redis.keys('*hour-counts*')).length).toBeGreaterThan(0);
      now += 1000;
      await recordOn(cached, start(player(), randomUUID(), 'RO', now - 5 * HOUR_MS)); // late, into a cached hour
      expect(countOf(await countStarts(8, cached), 'RO')).toBe(5);
      await redis.stop();
      now += 1000;
      await recordOn(cached, start(player(), randomUUID(), 'RO', now - 2 * HOUR_MS));
      expect(countOf(await countStarts(8, cached), 'RO')).toBe(6);
      now += 1000;
      await recordOn(cached, start(player(), randomUUID(), 'RO', now - 5 * HOUR_MS));
      expect(countOf(await countStarts(8, cached), 'RO')).toBe(7);
    } finally {
      await cached.stop();
      await redis.stop();
    }
  });
});

describe('last completed sessions of a player', () => {
  it('returns 20 by default and up to 100, newest start first', async () => {
    now = Date.now();
    const p = player();
    const starts = Array.from({ length: 105 }, (_, i) => now - (i + 1) * HOUR_MS);
    for (let i = 0; i < starts.length; i += 35) {
      await record(
        ...starts.slice(i, i + 35).flatMap((ms) => {
          const s = randomUUID();
          return [start(p, s, 'CZ', ms), end(p, s, ms + 30 * 60_000)];
        }),
      );
    }
    const toMs = (x: { start?: { seconds: number; nanos: number } }) => x.start!.seconds * 1000 + x.start!.nanos / 1e6;
    expect((await completed(p)).sessions.map(toMs)).toEqual(starts.slice(0, 20));
    expect((await completed(p, 100)).sessions.map(toMs)).toEqual(starts.slice(0, 100));
    await expect(completed(p, 101)).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT, details: expect.stringMatching(/^limit:/) });
    await expect(completed('')).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT, details: 'player_id: is required' });
  });
});
