// The requests and connection patterns that once crashed, stalled or bloated the gateway, sent as an attacker or an
// unlucky client would, against the processes: each must be answered as specified and leave the stack serving.
import { request as httpRequest, Agent } from 'node:http';
import { Status, type ClientError } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceClient } from '../../services/shared/grpc-client.js';
import { EventOutcome } from '../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import { IngestServiceDefinition } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { ReactionServiceDefinition } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { SessionServiceDefinition } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import { spawnService, type RunningStack, type ServiceProcess } from '../../scripts/launcher.js';
import { freePorts } from '../support/env.js';
import { closedByServer, openSocket, rssBytes, untilAnswering } from '../support/raw-http.js';
import { startIsolatedStack } from '../support/stack.js';

const HEADERS_TIMEOUT_MS = 1000;
const MAX_CONNECTIONS = 64;
let stack: RunningStack & { keyspace: string };
let gateway: string;

beforeAll(async () => {
  stack = await startIsolatedStack('hardening', {
    GATEWAY_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    GATEWAY_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
  });
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
  await untilAnswering(`${gateway}/healthz`);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const rpc = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${gateway}/${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

/**
 * POSTs `megabytes` of JSON whitespace and resolves with the answer as soon as it comes, as curl does: fetch can
 * only report a write error once the server stops reading, which on a loaded machine hides an early 413.
 */
function uploadReadingEarlyAnswer(path: string, megabytes: number): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(1 << 20, ' ');
    const req = httpRequest(`${gateway}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': megabytes * chunk.length },
    });
    req.once('response', (res) => {
      resolve({ status: res.statusCode! });
      res.resume();
      req.destroy();
    });
    // Once answered, the reset of the rest of the upload is expected; an error before the answer fails the test.
    req.on('error', (error) => reject(error));
    let sent = 0;
    const sendMore = () => {
      while (sent < megabytes && !req.destroyed) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', sendMore);
      }
      if (!req.destroyed) req.end();
    };
    sendMore();
  });
}

async function expectGatewayServing(): Promise<void> {
  const response = await fetch(`${gateway}/healthz`, { signal: AbortSignal.timeout(3000) });
  expect(response.status).toBe(200);
  expect(stack.processes.gateway.restarts).toBe(0);
}

describe('malformed percent-escapes in path parameters', () => {
  it.each([
    ['GET', '/by-player/%E0%A4%A', 'player'],
    ['GET', '/by-country/%ZZ/24', 'country'],
    ['GET', '/by-country/FI/%E0%A4', 'hours'],
    ['POST', '/analytics/%E0%A4%A/ann/click', 'timestamp'],
    ['POST', '/analytics/1/%/click', 'user'],
  ])('%s %s is a 400 naming the parameter', async (method, path, name) => {
    const response = await fetch(`${gateway}${path}`, { method });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(new RegExp(`^${name}: malformed percent-escape`));
    await expectGatewayServing();
  });
});

describe('echoed input', () => {
  const huge = 'X'.repeat(100_000);

  it('quotes only a short prefix of a 100 KB value, and the next call on the same backend is not held up', async () => {
    const response = await rpc('gamepulse.session.v1.SessionService/ListSessionStarts', JSON.stringify({ country: huge, hours: 1 }));
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/^country: must be an ISO 3166-1 alpha-2 country code, got "X{32}"… \(100000 characters\)$/);
    const started = Date.now();
    const next = await fetch(`${gateway}/by-player/p1`);
    expect(next.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    await expectGatewayServing();
  });

  it('bounds the message over gRPC straight to the service too', async () => {
    const client = createServiceClient(SessionServiceDefinition, `127.0.0.1:${stack.ports.session}`);
    try {
      const error = (await client
        .listSessionStarts({ country: huge, hours: 1, pageSize: 0, pageToken: '' })
        .catch((e: unknown) => e)) as ClientError;
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(error.details.length).toBeLessThan(200);
    } finally {
      client.close();
    }
  });
});

describe('request bodies', () => {
  it('refuses a 200 MB JSON body to an RPC with 413 without holding it in memory', async () => {
    const before = rssBytes(stack.processes.gateway.pid!);
    const response = await uploadReadingEarlyAnswer('/gamepulse.session.v1.SessionService/CountSessionStarts', 200);
    expect(response.status).toBe(413);
    expect(rssBytes(stack.processes.gateway.pid!) - before).toBeLessThan(64 * 1024 * 1024);
    await expectGatewayServing();
  });

  it('refuses a body over the cap without a declared length (chunked) at the cap', async () => {
    const chunks = async function* () {
      for (let i = 0; i < 40; i++) yield new TextEncoder().encode(' '.repeat(100_000));
    };
    const response = await fetch(`${gateway}/gamepulse.session.v1.SessionService/CountSessionStarts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ReadableStream.from(chunks()),
      duplex: 'half',
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('resource_exhausted');
    await expectGatewayServing();
  });

  it('after a 413 on a keep-alive connection, the next request is answered at once', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; ms: number }>((resolve, reject) => {
        const started = Date.now();
        const req = httpRequest(`${gateway}${path}`, { method, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, ms: Date.now() - started }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      expect((await send('POST', '/event-handler', 'x'.repeat(2 << 20))).status).toBe(413);
      const next = await send('GET', '/by-player/p1');
      expect(next.status).toBe(200);
      expect(next.ms).toBeLessThan(1000);
    } finally {
      agent.destroy();
    }
  });

  it('answers an unsupported content type with 415', async () => {
    expect((await rpc('gamepulse.session.v1.SessionService/CountSessionStarts', '{}', 'text/xml')).status).toBe(415);
    const response = await fetch(`${gateway}/event-handler`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data' },
      body: '{}',
    });
    expect(response.status).toBe(415);
  });
});

describe('the mode routes against oversized and mistyped bodies', () => {
  it('refuses a body over the cap with 413 and a wrong content type with 415, and stays up', async () => {
    const big = await fetch(`${gateway}/events/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ area_code: '111', multiplayer_mode: 'x'.repeat(2 * 1024 * 1024) }] }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ detail: expect.stringMatching(/^body: larger than/) });
    const typed = await fetch(`${gateway}/events/`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: '{}' });
    expect(typed.status).toBe(415);
    await expectGatewayServing();
  });
});

describe('client mistakes are 4xx, never 500', () => {
  it('a forged or altered page token is a 400 naming page_token', async () => {
    const forged = Buffer.from(JSON.stringify(['FI', 0, 1, 0, 'abc'])).toString('base64url');
    for (const pageToken of [forged, `${forged}.AAAAAAAAAAAAAAAAAAAAAA`, 'not a token']) {
      const response = await rpc('gamepulse.session.v1.SessionService/ListSessionStarts', JSON.stringify({ country: 'FI', pageToken }));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/^page_token: /);
    }
    const compat = await fetch(`${gateway}/by-country/FI/24?page_token=${forged}`);
    expect(compat.status).toBe(400);
  });

  it('a JSON body sent as application/proto is a 400', async () => {
    const response = await rpc('gamepulse.session.v1.SessionService/ListSessionStarts', '{"country":"FI"}', 'application/proto');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('invalid_argument');
  });

  it('a Timestamp with seconds = 1e15 is INVALID_ARGUMENT naming the field', async () => {
    const client = createServiceClient(ReactionServiceDefinition, `127.0.0.1:${stack.ports.reaction}`);
    try {
      const error = (await client.getHourlyEngagement({ timestamp: { seconds: 1e15, nanos: 0 } }).catch((e: unknown) => e)) as ClientError;
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(error.details).toMatch(/^timestamp: /);
    } finally {
      client.close();
    }
  });
});

describe('slow and idle clients', () => {
  it('closes a connection that sends part of its headers and then nothing', async () => {
    const socket = await openSocket(stack.ports.gateway);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const closed = await closedByServer(socket, HEADERS_TIMEOUT_MS + 3000);
    expect(closed.afterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(closed.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection that never sends a byte', async () => {
    const socket = await openSocket(stack.ports.gateway);
    const closed = await closedByServer(socket, HEADERS_TIMEOUT_MS + 3000);
    expect(closed.afterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
  });

  it('holds at most the connection limit, and serves again once they are gone', async () => {
    const sockets = await Promise.all(Array.from({ length: MAX_CONNECTIONS + 20 }, () => openSocket(stack.ports.gateway)));
    let closedAtOnce = 0;
    const closings = sockets.map((socket) => closedByServer(socket, HEADERS_TIMEOUT_MS + 5000).then(() => void closedAtOnce++));
    // Which sockets are refused depends on what else holds a slot (other tests' keep-alive connections come and
    // go), so count them: at least the excess is closed at once, long before any header timeout.
    await new Promise((resolve) => setTimeout(resolve, HEADERS_TIMEOUT_MS / 2));
    expect(closedAtOnce).toBeGreaterThanOrEqual(sockets.length - MAX_CONNECTIONS);
    await Promise.all(closings);
    await expectGatewayServing();
  });
});

describe('retryable failures say so', () => {
  let ingest: ServiceProcess;
  let gatewayProcess: ServiceProcess;
  let ports: number[];

  beforeAll(async () => {
    // An ingest whose owners are unreachable (nothing listens on their ports), and a gateway in front of it.
    ports = await freePorts(5);
    const [ingestPort, deadSession, deadReaction, deadGames, gatewayPort] = ports;
    const env = {
      ...process.env,
      LOG_LEVEL: 'error',
      INGEST_PORT: String(ingestPort),
      INGEST_ADDR: `127.0.0.1:${ingestPort}`,
      SESSION_ADDR: `127.0.0.1:${deadSession}`,
      REACTION_ADDR: `127.0.0.1:${deadReaction}`,
      GAMES_ADDR: `127.0.0.1:${deadGames}`,
      GATEWAY_PORT: String(gatewayPort),
      INGEST_METRICS_PORT: '0',
      GATEWAY_METRICS_PORT: '0',
    };
    ingest = spawnService('ingest', env, 'ignore');
    gatewayProcess = spawnService('gateway', env, 'ignore');
    await ingest.untilServing(ingestPort);
    await untilAnswering(`http://127.0.0.1:${gatewayPort}/healthz`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ingest?.stop(), gatewayProcess?.stop()]);
  });

  it('ingest answers RETRYABLE per event, apart from rejections, when an owner is down', async () => {
    const client = createServiceClient(IngestServiceDefinition, `127.0.0.1:${ports[0]}`);
    try {
      const now = { seconds: Math.floor(Date.now() / 1000), nanos: 0 };
      const answer = await client.ingestEvents({
        events: [
          { eventId: 'r1', payload: { $case: 'reaction', value: { userId: 'u', matchId: 'm', emoticon: 1, ts: now } } },
          { eventId: 'x'.repeat(200), payload: { $case: 'reaction', value: { userId: 'u', matchId: 'm', emoticon: 1, ts: now } } },
        ],
      });
      expect(answer.results.map((r) => r.outcome)).toEqual([EventOutcome.EVENT_OUTCOME_RETRYABLE, EventOutcome.EVENT_OUTCOME_REJECTED]);
      expect(answer.results[0].reason).toMatch(/not stored: the reaction service failed \(UNAVAILABLE\); retry/);
      expect(answer).toMatchObject({ accepted: 0, duplicates: 0, rejected: 1, retryable: 1 });
    } finally {
      client.close();
    }
  });

  it('the HTTP routes answer 503 with Retry-After, never 400 or 200, when nothing could be stored', async () => {
    const base = `http://127.0.0.1:${ports[4]}`;
    const event = {
      event: 'start',
      country: 'FI',
      player_id: 'p1',
      session_id: '4a0c43c9-c43a-42ff-ba55-67563dfa35d4',
      ts: new Date().toISOString(),
    };
    const sessions = await fetch(`${base}/event-handler`, { method: 'POST', body: JSON.stringify(event) });
    expect(sessions.status).toBe(503);
    expect(sessions.headers.get('retry-after')).toBe('1');
    expect(await sessions.json()).toMatchObject({ accepted: 0, retry: 1, results: [{ status: 'retry' }] });
    const click = await fetch(`${base}/analytics?timestamp=${Date.now()}&user=ann&click`, { method: 'POST' });
    expect(click.status).toBe(503);
    expect(click.headers.get('retry-after')).toBe('1');
    const read = await fetch(`${base}/by-player/p1`);
    expect(read.status).toBe(503);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    // Out of rotation, but alive: an orchestrator must not restart a gateway for its backends' sake.
    const liveness = await fetch(`${base}/livez`);
    expect(liveness.status).toBe(200);
  });

  it('the mode routes answer 503 with Retry-After when the session service is down, in their own shape', async () => {
    const base = `http://127.0.0.1:${ports[4]}`;
    const item = { area_code: '111', multiplayer_mode: 'Modes1', user_id: 'User1', events_name: 'LOGIN' };
    for (const [method, path, body] of [
      ['POST', '/events/', JSON.stringify({ items: [item] })],
      ['POST', '/generate_data/', undefined],
      ['GET', '/stats/?area_code=111', undefined],
    ] as const) {
      const answer = await fetch(`${base}${path}`, { method, body });
      expect(answer.status, path).toBe(503);
      expect(answer.headers.get('retry-after'), path).toBe('1');
      // What failed and that a retry helps; never the client library's own words.
      expect(await answer.json(), path).toEqual({
        detail: expect.stringMatching(/^(not stored: the session service|the backend service).*; retry/),
      });
    }
  });
});
