// Every process of the stack serves Prometheus metrics on its own port: the gateway's requests by route and status,
// every gRPC call served and made by method and code, events by kind and outcome, Cassandra requests, cache lookups,
// live-feed watchers, Node's own process metrics. Traffic as users send it, then each process scraped as Prometheus
// would.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestServiceDefinition } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { Emoticon, ReactionServiceDefinition } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { processNames } from '../../services/shared/config.js';
import { createServiceClient } from '../../services/shared/grpc-client.js';
import { systemClock, toTimestamp } from '../../services/shared/time.js';
import { scrape, sample } from '../support/prometheus-text.js';
import { startIsolatedStack } from '../support/stack.js';

let stack: Awaited<ReturnType<typeof startIsolatedStack>>;
let gateway: string;

beforeAll(async () => {
  stack = await startIsolatedStack('metrics');
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
});

afterAll(() => stack?.stop());

const login = { items: [{ area_code: '321', multiplayer_mode: 'Arena', user_id: 'metrics-user', events_name: 'LOGIN' }] };

describe('metrics', () => {
  it("counts the gateway's requests by route and status, and the gRPC calls behind them by method and code", async () => {
    const before = await scrape(stack.ports.metrics.gateway);
    const statsOk = { method: 'GET', route: '/stats', status: '200' };
    const baseline = sample(before, 'http_server_request_duration_seconds_count', statsOk);
    expect((await fetch(`${gateway}/events/`, { method: 'POST', body: JSON.stringify(login) })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await fetch(`${gateway}/stats/?area_code=321`)).status).toBe(200);
    expect((await fetch(`${gateway}/stats/?area_code=1`)).status).toBe(422);
    expect((await fetch(`${gateway}/no/such/route`)).status).toBe(404);
    const rpc = await fetch(`${gateway}/gamepulse.session.v1.SessionService/ListPopularModes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ areaCode: '321' }),
    });
    expect(rpc.status).toBe(200);

    const text = await scrape(stack.ports.metrics.gateway);
    expect(sample(text, 'http_server_request_duration_seconds_count', statsOk) - baseline).toBe(3);
    expect(sample(text, 'http_server_request_duration_seconds_count', { route: '/stats', status: '422' })).toBe(1);
    expect(sample(text, 'http_server_request_duration_seconds_count', { route: '/events', status: '200' })).toBe(1);
    expect(sample(text, 'http_server_request_duration_seconds_count', { route: 'other', status: '404' })).toBe(1);
    const listPath = '/gamepulse.session.v1.SessionService/ListPopularModes';
    expect(sample(text, 'http_server_request_duration_seconds_count', { route: listPath, status: '200' })).toBe(1);
    // The POST's events went from the gateway's in-process ingest straight to the session service.
    const recordPath = '/gamepulse.session.v1.SessionService/RecordModeEvents';
    expect(sample(text, 'grpc_client_handled_total', { grpc_path: recordPath, grpc_code: 'OK' })).toBe(1);
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);

    const session = await scrape(stack.ports.metrics.session);
    expect(sample(session, 'grpc_server_handled_total', { grpc_path: recordPath, grpc_code: 'OK' })).toBe(1);
    expect(sample(session, 'grpc_server_handling_seconds_count', { grpc_path: recordPath })).toBe(1);
    expect(sample(session, 'grpc_server_handled_total', { grpc_path: listPath, grpc_code: 'OK' })).toBeGreaterThanOrEqual(1);
  });

  it('counts events by kind and outcome, Cassandra requests, cache lookups and live-feed watchers', async () => {
    const ingest = createServiceClient(IngestServiceDefinition, `127.0.0.1:${stack.ports.ingest}`);
    const reaction = createServiceClient(ReactionServiceDefinition, `127.0.0.1:${stack.ports.reaction}`);
    try {
      const matchId = `metrics-${randomUUID()}`;
      const heart = (eventId: string, emoticon = Emoticon.EMOTICON_HEART) => ({
        eventId,
        payload: { $case: 'reaction' as const, value: { userId: 'u1', matchId, emoticon, ts: toTimestamp(systemClock()) } },
      });
      const before = await scrape(stack.ports.metrics.ingest);
      const counted = (text: string, outcome: string, field = '') =>
        sample(text, 'gamepulse_events_total', { kind: 'reaction', outcome, field });
      const answer = await ingest.ingestEvents({ events: [heart('r1'), heart('r1'), heart('r2', Emoticon.EMOTICON_UNSPECIFIED)] });
      expect([answer.accepted, answer.duplicates, answer.rejected]).toEqual([1, 1, 1]);
      const after = await scrape(stack.ports.metrics.ingest);
      expect(counted(after, 'accepted') - counted(before, 'accepted')).toBe(1);
      expect(counted(after, 'duplicate') - counted(before, 'duplicate')).toBe(1);
      expect(counted(after, 'rejected', 'reaction.emoticon') - counted(before, 'rejected', 'reaction.emoticon')).toBe(1);

      const lookups = (text: string) =>
        sample(text, 'gamepulse_cache_lookups_total', { result: 'hit' }) +
        sample(text, 'gamepulse_cache_lookups_total', { result: 'miss' });
      const beforeReads = await scrape(stack.ports.metrics.reaction);
      await reaction.getMatchReactions({ matchId });
      await reaction.getHourlyEngagement({ timestamp: toTimestamp(systemClock()) });
      const reads = await scrape(stack.ports.metrics.reaction);
      expect(lookups(reads) - lookups(beforeReads)).toBeGreaterThanOrEqual(1);
      const statements = (text: string) => sample(text, 'cassandra_request_duration_seconds_count', { result: 'success' });
      expect(statements(reads) - statements(beforeReads)).toBeGreaterThanOrEqual(2);

      const watchers = async () =>
        sample(await scrape(stack.ports.metrics.reaction), 'gamepulse_live_feed_watchers', { feed: 'match_reactions' });
      const abort = new AbortController();
      const feed = reaction.watchMatchReactions({ matchId, intervalMs: 100 }, { signal: abort.signal })[Symbol.asyncIterator]();
      await feed.next();
      expect(await watchers()).toBe(1);
      abort.abort();
      await feed.next().catch(() => undefined);
      await expect.poll(watchers, { timeout: 5000 }).toBe(0);
    } finally {
      ingest.close();
      reaction.close();
    }
  });

  it('serves every process on its own port, and nothing but GET /metrics', async () => {
    for (const name of processNames) {
      const text = await scrape(stack.ports.metrics[name]);
      expect(sample(text, 'nodejs_heap_size_used_bytes', { process: name }), name).toBeGreaterThan(0);
    }
    expect((await fetch(`http://127.0.0.1:${stack.ports.metrics.session}/`)).status).toBe(404);
  });
});
