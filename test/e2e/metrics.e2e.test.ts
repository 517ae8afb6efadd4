// Every process of the stack serves Prometheus metrics on its own port: the gateway's requests by route and status,
// every gRPC call served and made by method and code, Node's own process metrics. Traffic through the gateway as a
// user sends it, then each process scraped as Prometheus would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processNames } from '../../services/shared/config.js';
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

  it('serves every process on its own port, and nothing but GET /metrics', async () => {
    for (const name of processNames) {
      const text = await scrape(stack.ports.metrics[name]);
      expect(sample(text, 'nodejs_heap_size_used_bytes', { process: name }), name).toBeGreaterThan(0);
    }
    expect((await fetch(`http://127.0.0.1:${stack.ports.metrics.session}/`)).status).toBe(404);
  });
});
