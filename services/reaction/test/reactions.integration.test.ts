// The reaction service over the real Cassandra and Redis through a real gRPC channel, on a keyspace of this run's
// own, at a fixed "now".
import { randomUUID } from 'node:crypto';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromMillis } from '../../shared/time.js';
import { DAY_MS, HOUR_MS, hourStartMs, timestampAt as at } from '../../../test/support/caller-time.js';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import {
  Emoticon,
  EngagementKind,
  ReactionServiceDefinition,
  type GetHourlyEngagementResponse,
} from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { createServiceClient, type ServiceClient } from '../../shared/grpc-client.js';
import { startInProcess, type InProcessService } from '../../../test/support/service-harness.js';
import { watchStream } from '../../../test/support/watch-stream.js';
import { createIsolatedKeyspace } from '../../../test/support/stack.js';
import { reactionRoutes } from '../routes.js';

let now = 0;
let running: InProcessService<ReturnType<typeof reactionRoutes>>;
let client: ServiceClient<typeof ReactionServiceDefinition>;
let keyspace: Awaited<ReturnType<typeof createIsolatedKeyspace>>;

/** 00:30 UTC of a random day 30 to 300 days ago: every test's hours are its own. */
function freshNow(): number {
  const day = Math.floor((Date.now() - (30 + Math.random() * 270) * DAY_MS) / DAY_MS) * DAY_MS;
  now = day + 30 * 60_000;
  return now;
}

beforeAll(async () => {
  freshNow();
  keyspace = await createIsolatedKeyspace('reactions_it');
  running = await startInProcess((context) => reactionRoutes(context, () => fromMillis(now)), { keyspace: keyspace.keyspace });
  client = createServiceClient(ReactionServiceDefinition, running.address);
});
afterAll(async () => {
  client?.close();
  await running?.stop();
  await keyspace?.drop();
});

const engagement = (user: string, kind: 'click' | 'impression', ms: number, eventId = randomUUID()) => ({
  eventId,
  event: {
    user,
    kind: kind === 'click' ? EngagementKind.ENGAGEMENT_KIND_CLICK : EngagementKind.ENGAGEMENT_KIND_IMPRESSION,
    ts: at(ms),
  },
});
const reaction = (matchId: string, emoticon: Emoticon, ms: number, eventId = randomUUID()) => ({
  eventId,
  event: { userId: `u-${randomUUID()}`, matchId, emoticon, ts: at(ms) },
});
const outcomes = (response: { results: Array<{ outcome: EventOutcome; reason: string }> }) =>
  response.results.map((r) =>
    r.outcome === EventOutcome.EVENT_OUTCOME_ACCEPTED
      ? 'accepted'
      : r.outcome === EventOutcome.EVENT_OUTCOME_DUPLICATE
        ? 'duplicate'
        : r.reason,
  );
const recordEngagements = async (...events: ReturnType<typeof engagement>[]) => outcomes(await client.recordEngagements({ events }));
const recordReactions = async (...events: ReturnType<typeof reaction>[]) => outcomes(await client.recordReactions({ events }));
const hourly = (ms: number) => client.getHourlyEngagement({ timestamp: at(ms) });
const counts = (r: GetHourlyEngagementResponse) => [r.uniqueUsers, r.clicks, r.impressions];

describe('hourly engagement', () => {
  it('counts unique users, clicks and impressions of exactly the hour, once per event id', async () => {
    freshNow();
    const hour = hourStartMs(now);
    const retried = engagement('ann', 'click', hour + 1);
    expect(
      await recordEngagements(
        retried,
        engagement('ann', 'impression', hour + 2),
        engagement('bob', 'impression', now - 1),
        engagement('cid', 'click', hour - 1), // the hour before
        engagement('dan', 'click', hour - HOUR_MS - 1), // two hours before
      ),
    ).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);
    expect(await recordEngagements(retried)).toEqual(['duplicate']);
    expect(counts(await hourly(hour + 30 * 60_000))).toEqual([2, 1, 2]);
    expect(counts(await hourly(hour - 1))).toEqual([1, 1, 0]);
    expect((await hourly(hour)).hourStart).toEqual(at(hour));
  });

  it('shows an accepted event within a second, and late events in a cached closed hour', async () => {
    freshNow();
    const closedHour = hourStartMs(now) - 3 * HOUR_MS;
    await recordEngagements(engagement('eve', 'click', closedHour + 10));
    expect(counts(await hourly(closedHour))).toEqual([1, 1, 0]);
    expect(counts(await hourly(closedHour))).toEqual([1, 1, 0]); // now cached
    await recordEngagements(engagement('fay', 'impression', closedHour + 20));
    expect(counts(await hourly(closedHour))).toEqual([2, 1, 1]);

    await recordEngagements(engagement('gus', 'click', now - 5));
    const before = counts(await hourly(now));
    await recordEngagements(engagement('hal', 'click', now - 4));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(counts(await hourly(now))).toEqual([before[0] + 1, before[1] + 1, before[2]]);
  });

  it('counts an event once even when a caller marks a stored id as one ingest made up', async () => {
    freshNow();
    const hour = hourStartMs(now) - 6 * HOUR_MS;
    const stored = engagement('jo', 'click', hour + 10);
    expect(await recordEngagements(stored)).toEqual(['accepted']);
    // The flag only skips the duplicate lookup: the row is the same idempotent upsert, so nothing counts twice.
    expect(outcomes(await client.recordEngagements({ events: [{ ...stored, idAssigned: true }] }))).toEqual(['accepted']);
    const flaggedMatch = `m-${randomUUID()}`;
    const again = reaction(flaggedMatch, Emoticon.EMOTICON_HEART, now - 10);
    await recordReactions(again);
    await client.recordReactions({ events: [{ ...again, idAssigned: true }] });
    expect(counts(await hourly(hour))).toEqual([1, 1, 0]);
    expect((await client.getMatchReactions({ matchId: flaggedMatch })).summary?.total).toBe(1);
  });

  it('rejects bad events by field and needs a timestamp to answer', async () => {
    freshNow();
    const [old] = await recordEngagements(engagement('ivy', 'click', now - 366 * DAY_MS));
    expect(old).toMatch(/^event\.ts: is older than one year/);
    await expect(client.getHourlyEngagement({ timestamp: undefined })).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT });
  });
});

describe('match reactions', () => {
  const summary = async (matchId: string) => (await client.getMatchReactions({ matchId })).summary!;

  it("counts per emoticon with intensity ceil(count / 1000), the total and the last minute's rate", async () => {
    freshNow();
    const match = `match-${randomUUID()}`;
    const hearts = Array.from({ length: 1001 }, (_, i) => reaction(match, Emoticon.EMOTICON_HEART, now - 2 * HOUR_MS - i));
    for (let i = 0; i < hearts.length; i += 500) await recordReactions(...hearts.slice(i, i + 500));
    const recent = Array.from({ length: 30 }, (_, i) => reaction(match, Emoticon.EMOTICON_SAD, now - i * 1000));
    expect(new Set(await recordReactions(...recent, reaction(match, Emoticon.EMOTICON_HAPPY, now - 90_000)))).toEqual(
      new Set(['accepted']),
    );
    expect(await recordReactions(recent[0])).toEqual(['duplicate']);
    const result = await summary(match);
    expect(result.emoticons).toEqual([
      { emoticon: Emoticon.EMOTICON_HEART, count: 1001, intensity: 2 },
      { emoticon: Emoticon.EMOTICON_HAPPY, count: 1, intensity: 1 },
      { emoticon: Emoticon.EMOTICON_SAD, count: 30, intensity: 1 },
    ]);
    expect(result.total).toBe(1032);
    expect(result.ratePerSecond).toBeCloseTo(30 / 60, 5);
    expect((await summary(`match-${randomUUID()}`)).total).toBe(0);
  });

  it('streams the summary now and again when reactions arrive, and ends when the watcher leaves', async () => {
    now = Date.now();
    const match = `live-${randomUUID()}`;
    const stream = watchStream((signal) => client.watchMatchReactions({ matchId: match, intervalMs: 100 }, { signal }));
    const { updates } = stream;
    await until(() => updates.length === 1);
    expect(updates[0].summary!.total).toBe(0);
    now = Date.now();
    await recordReactions(reaction(match, Emoticon.EMOTICON_FIRE, now - 10), reaction(match, Emoticon.EMOTICON_FIRE, now - 5));
    await until(() => updates.some((u) => u.summary!.total === 2));
    expect(running.service.hub.activeGroups).toBeGreaterThan(0);
    stream.stop();
    await stream.ended;
    await until(() => running.service.hub.activeGroups === 0);
  });

  it('rejects a watch with an interval out of range', async () => {
    const stream = watchStream((signal) => client.watchMatchReactions({ matchId: 'm', intervalMs: 5 }, { signal }));
    await stream.ended;
    expect(stream.updates).toEqual([]);
    expect(stream.error).toMatchObject({ code: Status.INVALID_ARGUMENT, details: expect.stringMatching(/^interval_ms: /) });
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
