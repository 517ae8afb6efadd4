// The original engagement routes (POST and GET /analytics) on the real gateway HTTP server, against in-memory ingest
// and reaction backends (test/e2e/reactions.e2e.test.ts runs them against the real services): what is forwarded,
// the 204 / 400 / 503 answers of the original, and that the hour's counts are shared for a moment.
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import type { Event } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import {
  EngagementKind,
  GetHourlyEngagementRequest,
  GetHourlyEngagementResponse,
  ReactionServiceDefinition,
} from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { startInProcessGateway, type InProcessGateway } from '../../../test/support/gateway-harness.js';
import { HOUR_MS, millisOf as msOf } from '../../../test/support/caller-time.js';
import type { UnaryBackend } from '../backend-call.js';
import { analyticsRoutes } from '../compat/analytics-routes.js';
import type { EventIngest } from '../in-process-ingest.js';

const hourlyPath = `/${ReactionServiceDefinition.fullName}/${ReactionServiceDefinition.methods.getHourlyEngagement.name}`;

/** Ingest: remembers each event and answers it with `outcome` (and `reason` unless accepted). */
const ingested: Event[] = [];
let outcome = EventOutcome.EVENT_OUTCOME_ACCEPTED;
let reason = '';
const ingest: EventIngest = {
  ingestEvents: ({ events }) => {
    ingested.push(...events);
    const results = events.map((event, index) => ({ index, eventId: event.eventId, outcome, reason, field: '' }));
    return Promise.resolve({ results, accepted: 0, duplicates: 0, rejected: 0, retryable: 0 });
  },
};

/** Reaction: answers each hour's counts from `hours` (by the hour's start, ms), and remembers which hours it read. */
const hours = new Map<number, { uniqueUsers: number; clicks: number; impressions: number }>();
const hoursRead: number[] = [];
/** How long the next reads take, whether they fail as an unreachable service does, and how many have answered. */
let readDelayMs = 0;
let readsFail = false;
let readsAnswered = 0;
const reaction: UnaryBackend = {
  unary: async (path, bytes) => {
    expect(path).toBe(hourlyPath);
    const { timestamp } = GetHourlyEngagementRequest.decode(bytes);
    const hourMs = msOf(timestamp!);
    hoursRead.push(hourMs);
    const counts = hours.get(hourMs) ?? { uniqueUsers: 0, clicks: 0, impressions: 0 };
    if (readDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, readDelayMs));
    readsAnswered++;
    if (readsFail) throw new ConnectError('reaction service unreachable', Code.Unavailable);
    return GetHourlyEngagementResponse.encode(GetHourlyEngagementResponse.fromPartial(counts)).finish();
  },
};

let gateway: InProcessGateway;
let base: string;

beforeAll(async () => {
  gateway = await startInProcessGateway({ plainRoutes: () => analyticsRoutes({ ingest, reaction }) });
  base = gateway.base;
});

afterAll(() => gateway?.close());

beforeEach(() => {
  ingested.length = 0;
  hoursRead.length = 0;
  hours.clear();
  readDelayMs = 0;
  readsFail = false;
  readsAnswered = 0;
  outcome = EventOutcome.EVENT_OUTCOME_ACCEPTED;
  reason = '';
});

const post = (pathAndQuery: string) => fetch(`${base}${pathAndQuery}`, { method: 'POST' });
const engagement = (event: Event) => (event.payload?.$case === 'engagement' ? event.payload.value : undefined);

describe('POST /analytics', () => {
  it('forwards a click or an impression with its user, time and event id, and answers 204 with no body', async () => {
    const ms = Date.UTC(2026, 11, 3, 10, 15, 30, 250);
    for (const path of [
      `/analytics?timestamp=${ms}&user=alice&click&event_id=e1`,
      `/analytics?timestamp=${ms}&user=bob&event=impression`,
      `/analytics/${ms}/carol/click`,
    ]) {
      const response = await post(path);
      expect(response.status, path).toBe(204);
      expect(await response.text()).toBe('');
    }
    expect(ingested.map((event) => [event.eventId, engagement(event)?.user, engagement(event)?.kind])).toEqual([
      ['e1', 'alice', EngagementKind.ENGAGEMENT_KIND_CLICK],
      ['', 'bob', EngagementKind.ENGAGEMENT_KIND_IMPRESSION],
      ['', 'carol', EngagementKind.ENGAGEMENT_KIND_CLICK],
    ]);
    expect(ingested.map((event) => msOf(engagement(event)!.ts!))).toEqual([ms, ms, ms]);
  });

  it('refuses bad input with 400 and a reason naming the field, and forwards nothing', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/analytics?user=alice&click', /^timestamp: is required/],
      ['/analytics?timestamp=12ab&user=alice&click', /^timestamp: must be milliseconds since the epoch, got "12ab"/],
      ['/analytics?timestamp=1&click', /^user: is required/],
      ['/analytics?timestamp=1&user=alice', /^event: missing/],
      ['/analytics?timestamp=1&user=alice&click&impression', /^event: send either click or impression/],
      ['/analytics?timestamp=1&user=alice&click&event=impression', /^event: the click flag contradicts event=impression/],
      ['/analytics?timestamp=1&user=alice&event=view', /^event: must be click or impression, got "view"/],
      ['/analytics/1/alice/view', /^event: must be click or impression, got "view"/],
    ];
    for (const [path, expected] of cases) {
      const response = await post(path);
      expect(response.status, path).toBe(400);
      expect(await response.text(), path).toMatch(expected);
    }
    expect(ingested).toHaveLength(0);
  });

  it('answers a rejected event 400 with its reason, and one that was not stored 503 with Retry-After', async () => {
    [outcome, reason] = [EventOutcome.EVENT_OUTCOME_REJECTED, 'ts: is older than one year (365 days), the retention period'];
    const rejected = await post('/analytics?timestamp=1&user=alice&click');
    expect(rejected.status).toBe(400);
    expect(await rejected.text()).toBe(`${reason}\n`);
    [outcome, reason] = [EventOutcome.EVENT_OUTCOME_RETRYABLE, 'not stored: the reaction service did not answer; retry'];
    const unstored = await post('/analytics?timestamp=1&user=alice&click');
    expect(unstored.status).toBe(503);
    expect(unstored.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await unstored.text()).toMatch(/retry/);
  });
});

describe('GET /analytics', () => {
  it('answers the UTC hour of the timestamp as the original CSV, read once for callers of the same moment', async () => {
    const hourMs = Date.UTC(2026, 11, 3, 10);
    hours.set(hourMs, { uniqueUsers: 2, clicks: 5, impressions: 7 });
    const [first, second] = await Promise.all(
      [hourMs + 60_000, hourMs + HOUR_MS - 1].map((ms) => fetch(`${base}/analytics?timestamp=${ms}`)),
    );
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('unique_users,2\nclicks,5\nimpressions,7\n');
    expect(await second.text()).toBe('unique_users,2\nclicks,5\nimpressions,7\n');
    expect(hoursRead).toEqual([hourMs]);
    expect(await (await fetch(`${base}/analytics?timestamp=${hourMs + HOUR_MS}`)).text()).toBe('unique_users,0\nclicks,0\nimpressions,0\n');
    expect(hoursRead).toEqual([hourMs, hourMs + HOUR_MS]);
    const bad = await fetch(`${base}/analytics?timestamp=soon`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^timestamp: must be milliseconds since the epoch/);
  });

  it('serves a busy hour from memory while a fresh read runs, so no caller waits on the refresh', async () => {
    // Ages wide apart, so that a slow machine cannot step past the maximum age by accident.
    const slowAging = await startInProcessGateway({
      plainRoutes: () => analyticsRoutes({ ingest, reaction }, { maxAgeMs: 10_000, refreshMs: 100 }),
    });
    onTestFinished(() => slowAging.close());
    const hourMs = Date.UTC(2026, 11, 3, 15);
    const get = async () => (await fetch(`${slowAging.base}/analytics?timestamp=${hourMs + 1}`)).text();
    hours.set(hourMs, { uniqueUsers: 1, clicks: 1, impressions: 0 });
    expect(await get()).toBe('unique_users,1\nclicks,1\nimpressions,0\n');
    // Past the refresh age, within the maximum age: the answer in hand is served and one slow read starts behind it.
    await new Promise((resolve) => setTimeout(resolve, 150));
    hours.set(hourMs, { uniqueUsers: 2, clicks: 3, impressions: 1 });
    readDelayMs = 500;
    expect(await get()).toBe('unique_users,1\nclicks,1\nimpressions,0\n');
    expect(readsAnswered).toBe(1);
    expect(hoursRead).toEqual([hourMs, hourMs]);
    await expect.poll(() => readsAnswered, { timeout: 2000 }).toBe(2);
    readDelayMs = 0;
    expect(await get()).toBe('unique_users,2\nclicks,3\nimpressions,1\n');
  });

  it('serves the answer in hand while the service is down, up to its maximum age, then answers 503 with Retry-After', async () => {
    const shortLived = await startInProcessGateway({
      plainRoutes: () => analyticsRoutes({ ingest, reaction }, { maxAgeMs: 600, refreshMs: 50 }),
    });
    onTestFinished(() => shortLived.close());
    const hourMs = Date.UTC(2026, 11, 3, 16);
    const get = () => fetch(`${shortLived.base}/analytics?timestamp=${hourMs + 1}`);
    hours.set(hourMs, { uniqueUsers: 4, clicks: 4, impressions: 4 });
    expect(await (await get()).text()).toBe('unique_users,4\nclicks,4\nimpressions,4\n');
    readsFail = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The refresh this starts fails; the answer in hand stays, within its maximum age.
    expect(await (await get()).text()).toBe('unique_users,4\nclicks,4\nimpressions,4\n');
    await expect.poll(() => readsAnswered, { timeout: 2000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const down = await get();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
