// The original session route POST /event-handler on the real gateway HTTP server, against an in-memory ingest
// (test/e2e/sessions.e2e.test.ts runs it against the real services): bad events are answered in place without being
// forwarded, ingest's outcomes come back per event in request order, and a request of which nothing was stored but
// some can be is a 503 with Retry-After. GET /by-country against an in-memory session service: first pages shared.
import { Code, ConnectError } from '@connectrpc/connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import type { Event } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { SessionServiceDefinition } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { fromMillis, toTimestamp } from '../../shared/time.js';
import { startInProcessGateway, type InProcessGateway } from '../../../test/support/gateway-harness.js';
import type { UnaryBackend } from '../backend-call.js';
import { sessionRoutes } from '../compat/session-routes.js';
import type { EventIngest } from '../in-process-ingest.js';

/** Ingest: remembers each batch; a player id names the outcome of its event (`dup…`, `retry…`, else accepted). */
const ingested: Event[][] = [];
const outcomeOf = (playerId: string) =>
  playerId.startsWith('dup')
    ? EventOutcome.EVENT_OUTCOME_DUPLICATE
    : playerId.startsWith('retry')
      ? EventOutcome.EVENT_OUTCOME_RETRYABLE
      : EventOutcome.EVENT_OUTCOME_ACCEPTED;
const ingest: EventIngest = {
  ingestEvents: ({ events }) => {
    ingested.push(events);
    const results = events.map((event, index) => {
      const playerId = event.payload?.$case === 'sessionStart' || event.payload?.$case === 'sessionEnd' ? event.payload.value.playerId : '';
      const outcome = outcomeOf(playerId);
      return {
        index,
        eventId: `id-${playerId}`,
        outcome,
        field: '',
        reason: outcome === EventOutcome.EVENT_OUTCOME_RETRYABLE ? 'not stored; retry' : '',
      };
    });
    return Promise.resolve({ results, accepted: 0, duplicates: 0, rejected: 0, retryable: 0 });
  },
};
const unused: UnaryBackend = { unary: () => Promise.reject(new Error('not called by /event-handler')) };

let gateway: InProcessGateway;
let base: string;

beforeAll(async () => {
  gateway = await startInProcessGateway({ plainRoutes: (limits) => sessionRoutes({ ingest, session: unused }, limits.maxBodyBytes) });
  base = gateway.base;
});

afterAll(() => gateway?.close());
beforeEach(() => void (ingested.length = 0));

const ts = new Date(Date.now() - 60_000).toISOString();
const start = (player: string) => ({
  event: 'start',
  country: 'FI',
  player_id: player,
  session_id: '4a0c43c9-c43a-42ff-ba55-67563dfa35d4',
  ts,
});
const post = (body: unknown) => fetch(`${base}/event-handler`, { method: 'POST', body: JSON.stringify(body) });

describe('POST /event-handler', () => {
  it('answers each event in request order: bad ones in place, the rest as ingest decided', async () => {
    const response = await post([start('p1'), { ...start('p2'), event: 'jump' }, start('dup1'), start('retry1')]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: Array<{ index: number; status: string; reason?: string }> };
    expect(body.results.map((r) => [r.index, r.status])).toEqual([
      [0, 'accepted'],
      [1, 'rejected'],
      [2, 'duplicate'],
      [3, 'retry'],
    ]);
    expect(body.results[1].reason).toMatch(/^event: must be "start" or "end"/);
    expect(body).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1, retry: 1 });
    expect(ingested).toHaveLength(1);
    expect(ingested[0]).toHaveLength(3);
  });

  it('is a 503 with Retry-After when nothing was stored and some of it can be', async () => {
    const response = await post([start('retry1'), { ...start('p2'), event: 'jump' }]);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { retry: number }).retry).toBe(1);
  });

  it('forwards nothing when every event is bad, and refuses a body that is not events', async () => {
    const response = await post([{ ...start('p2'), event: 'jump' }]);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rejected: number }).rejected).toBe(1);
    const junk = await fetch(`${base}/event-handler`, { method: 'POST', body: 'not json' });
    expect(junk.status).toBe(400);
    expect(ingested).toHaveLength(0);
  });
});

describe('GET /by-country/{country}/{hours}', () => {
  /** The session service: answers ListSessionStarts with the starts in `starts`, counting the calls and their tokens. */
  const starts: Array<{ sessionId: string; playerId: string; ts: Date }> = [];
  const tokensAsked: string[] = [];
  let unreachable = false;
  const session: UnaryBackend = {
    unary: (path, request) => {
      if (unreachable) return Promise.reject(new ConnectError('session service unreachable', Code.Unavailable));
      const { listSessionStarts } = SessionServiceDefinition.methods;
      expect(path).toBe(`/${SessionServiceDefinition.fullName}/${listSessionStarts.name}`);
      tokensAsked.push(listSessionStarts.requestType.decode(request).pageToken);
      const answer = listSessionStarts.responseType.fromPartial({
        starts: starts.map((start) => ({ ...start, ts: toTimestamp(fromMillis(start.ts.getTime())) })),
        nextPageToken: 'next',
      });
      return Promise.resolve(listSessionStarts.responseType.encode(answer).finish());
    },
  };

  it('shares a first page for up to half a second, and reads every later page', async () => {
    const cached = await startInProcessGateway({ plainRoutes: (limits) => sessionRoutes({ ingest, session }, limits.maxBodyBytes) });
    onTestFinished(() => cached.close());
    const startsOf = async (path: string) => ((await (await fetch(`${cached.base}${path}`)).json()) as { starts: unknown[] }).starts;
    starts.push({ sessionId: 's1', playerId: 'p1', ts: new Date(Date.now() - 60_000) });
    expect(await startsOf('/by-country/FI/24')).toHaveLength(1);
    starts.push({ sessionId: 's2', playerId: 'p2', ts: new Date(Date.now() - 30_000) });
    expect(await startsOf('/by-country/fi/24')).toHaveLength(1);
    expect(tokensAsked).toEqual(['']);
    // Another window or page size is another answer; a later page is read each time.
    expect(await startsOf('/by-country/FI/24?limit=10')).toHaveLength(2);
    await startsOf('/by-country/FI/24?page_token=abc');
    await startsOf('/by-country/FI/24?page_token=abc');
    expect(tokensAsked).toEqual(['', '', 'abc', 'abc']);
    // An accepted start shows within a second.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await startsOf('/by-country/FI/24')).toHaveLength(2);
  });

  it('serves a first page in hand while the session service is down, up to its age, then answers 503 with Retry-After', async () => {
    const cached = await startInProcessGateway({ plainRoutes: (limits) => sessionRoutes({ ingest, session }, limits.maxBodyBytes) });
    onTestFinished(() => {
      unreachable = false;
      return cached.close();
    });
    const get = (path: string) => fetch(`${cached.base}${path}`);
    expect((await get('/by-country/SE/2')).status).toBe(200);
    unreachable = true;
    expect((await get('/by-country/SE/2')).status).toBe(200);
    const later = await get('/by-country/SE/2?page_token=abc');
    expect(later.status).toBe(503);
    expect(later.headers.get('retry-after')).toMatch(/^\d+$/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const down = await get('/by-country/SE/2');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('refuses a malformed window or page size with 400 before asking the session service', async () => {
    // This gateway's session service fails every call: only an answer made before calling it can be a 400.
    for (const [path, field] of [
      ['/by-country/FI/-1', 'hours'],
      ['/by-country/FI/1e3', 'hours'],
      ['/by-country/FI/24?limit=ten', 'limit'],
      [`/by-country/FI/${'9'.repeat(5000)}`, 'hours'],
    ]) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(new RegExp(`^${field}: must be a whole number`));
    }
  });
});
