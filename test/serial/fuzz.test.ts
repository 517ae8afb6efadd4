// Fuzzing every HTTP route and every RPC of the gateway, as Connect JSON, gRPC-Web and gRPC: fast-check generates
// 20,000 requests (mutated valid ones and junk) from a printed seed, sent 16 at a time. Whatever comes in, the
// answer is a 4xx or a documented 501/503/504 (gRPC: no INTERNAL, UNKNOWN or DATA_LOSS), within the deadline, and
// every process is alive, healthy and of bounded size at the end. Reproduce a failure with FUZZ_SEED=<seed>.
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../services/shared/batch.js';
import { GamesService } from '../../gen/es/gamepulse/games/v1/games_pb.js';
import { IngestService } from '../../gen/es/gamepulse/ingest/v1/ingest_pb.js';
import { ReactionService } from '../../gen/es/gamepulse/reaction/v1/reaction_pb.js';
import { SessionService } from '../../gen/es/gamepulse/session/v1/session_pb.js';
import type { RunningStack } from '../../scripts/launcher.js';
import { rssBytes } from '../support/raw-http.js';
import { startIsolatedStack } from '../support/stack.js';
import { watchForStalls } from '../support/stall-watch.js';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 20_000);
const CONCURRENCY = 16;
const DEADLINE_MS = 3000;
/** A request must be answered within the gateway's deadline plus this much (not counting pauses of this process). */
const ANSWER_SLACK_MS = 3000;
/** Only so that a lost answer cannot hang the run: lateness is judged against ANSWER_SLACK_MS. */
const GIVE_UP_MS = 60_000;
const MAX_GATEWAY_RSS = 400 * 1024 * 1024;
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

const rpcPaths = [IngestService, SessionService, ReactionService, GamesService].flatMap((service) =>
  service.methods.map((method) => ({ path: `/${service.typeName}/${method.name}`, streaming: method.methodKind !== 'unary' })),
);

/** One generated request: how it is sent, and a description that reproduces it. */
type FuzzRequest =
  | { kind: 'http'; method: string; path: string; headers: Record<string, string>; body?: Uint8Array }
  | { kind: 'grpc'; path: string; payload: Uint8Array };

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('%', '%E0%A4%A', '%00', '..', '%2F', 'FI', '24', '1', '-1', '1e400', 'NaN', 'x'.repeat(5000)),
  fc.integer().map(String),
);
// Half the time a literal '%' stays raw, so malformed escapes reach the routes.
/** Junk that a header can carry (printable ASCII; fetch refuses anything else before sending). */
const headerValue = nasty.map((text) => text.replace(/[^\x20-\x7e]/g, '').trim());
const segment = fc
  .tuple(nasty, fc.boolean())
  .map(([text, rawPercent]) => (rawPercent ? encodeURIComponent(text).replace(/%25/g, '%') : encodeURIComponent(text)));

const plainPath = fc.oneof(
  fc.tuple(segment).map(([player]) => `/by-player/${player}`),
  fc.tuple(segment, segment).map(([country, hours]) => `/by-country/${country}/${hours}`),
  fc.tuple(segment, segment, segment).map(([ts, user, kind]) => `/analytics/${ts}/${user}/${kind}`),
  fc.constantFrom('/analytics', '/event-handler', '/healthz', '/livez', '/', '/nowhere', '/by-country/FI'),
  fc.constantFrom('/events/', '/events', '/stats/', '/stats', '/generate_data/'),
  fc.constantFrom(
    '/connect4/games',
    '/connect4/players/',
    '/connect4/first-move-columns',
    '/connect4/games-by-nationality',
    '/connect4/single-game-players',
  ),
);
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'timestamp',
        'user',
        'click',
        'impression',
        'event',
        'limit',
        'page_token',
        'event_id',
        'area_code',
        'hours',
        'outcome',
        'format',
        'page_size',
      ),
      nasty,
    ),
    {
      maxLength: 4,
    },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : ''));

const sessionEvent = fc.record(
  {
    event: fc.oneof(fc.constantFrom('start', 'end'), nasty, fc.integer()),
    country: fc.oneof(fc.constantFrom('FI', 'SE', 'US', '(.uk)'), nasty),
    player_id: fc.oneof(fc.constantFrom('p1', 'p2'), nasty),
    session_id: fc.oneof(fc.uuid(), nasty),
    ts: fc.oneof(
      fc
        .date({ min: new Date(Date.now() - 400 * 86_400_000), max: new Date(Date.now() + 86_400_000), noInvalidDate: true })
        .map((d) => d.toISOString()),
      nasty,
    ),
    event_id: nasty,
  },
  { requiredKeys: [] },
);
const modeItem = fc.record(
  {
    area_code: fc.oneof(fc.constantFrom('111', 222, 99, 1000), nasty),
    multiplayer_mode: fc.oneof(fc.constantFrom('Modes1', ''), nasty),
    user_id: fc.oneof(fc.constantFrom('User1', 'User2'), nasty),
    events_name: fc.oneof(fc.constantFrom('LOGIN', 'logout', 'JUMP'), nasty),
    epoch_timestamp: fc.oneof(fc.double(), fc.constant(Date.now() / 1000), nasty),
  },
  { requiredKeys: [] },
);
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  sessionEvent,
  fc.array(sessionEvent, { maxLength: 12 }),
  fc.record({ items: fc.oneof(fc.array(modeItem, { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] }),
);
const rpcJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      hours: fc.oneof(fc.integer(), fc.constant(24)),
      areaCode: fc.oneof(fc.constantFrom('111', ''), nasty),
      country: fc.oneof(fc.constantFrom('FI', 'se'), nasty),
      pageSize: fc.integer(),
      pageToken: nasty,
      playerId: nasty,
      limit: fc.integer(),
      matchId: nasty,
      intervalMs: fc.integer(),
      timestamp: fc.oneof(fc.constantFrom('2026-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z'), nasty),
      events: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }),
      games: fc.array(
        fc.record(
          { gameId: nasty, result: fc.oneof(fc.integer(), nasty), moves: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }) },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      players: fc.array(fc.record({ playerId: nasty, nationality: nasty, email: nasty }, { requiredKeys: [] }), { maxLength: 3 }),
      outcome: fc.oneof(fc.integer(), nasty),
    },
    { requiredKeys: [] },
  ),
);
const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const envelope = (payload: Uint8Array, flags = 0) => {
  const framed = new Uint8Array(5 + payload.length);
  framed[0] = flags;
  new DataView(framed.buffer).setUint32(1, payload.length);
  framed.set(payload, 5);
  return framed;
};
const bytes = fc.uint8Array({ maxLength: 256 });
const contentType = fc.constantFrom(
  'application/json',
  'application/proto',
  'application/connect+json',
  'application/connect+proto',
  'text/plain',
  'application/x-ndjson',
  'multipart/form-data',
  'text/csv',
  '',
);
/** A games or players CSV with junk rows: right headers, fields of any kind, rows of any length. */
const csvBody = fc
  .tuple(
    fc.constantFrom('game_id,player_id,move_number,column,result', 'player_id,country,gender', 'nonsense'),
    fc.array(
      fc.array(fc.oneof(nasty, fc.integer({ min: -1, max: 20 }).map(String), fc.constantFrom('win', 'draw', '')), { maxLength: 6 }),
      { maxLength: 40 },
    ),
  )
  .map(([header, rows]) => text(`${header}\n${rows.map((row) => row.join(',')).join('\n')}`));

const plainRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
    path: plainPath,
    query,
    contentType,
    body: fc.option(
      fc.oneof(
        jsonValue.map(text),
        bytes,
        csvBody,
        fc.array(sessionEvent, { maxLength: 20 }).map((events) => text(events.map((e) => JSON.stringify(e)).join('\n'))),
      ),
    ),
  })
  .map(({ method, path, query, contentType, body }): FuzzRequest => ({
    kind: 'http',
    method,
    path: path + query,
    headers: contentType ? { 'content-type': contentType } : {},
    body: method === 'GET' || method === 'OPTIONS' || body === null ? undefined : body,
  }));

const rpc = fc.constantFrom(...rpcPaths, { path: '/gamepulse.session.v1.SessionService/Nope', streaming: false });
const connectRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    rpc,
    contentType,
    body: fc.oneof(rpcJson.map(text), bytes),
    timeout: fc.option(fc.oneof(fc.integer({ min: 1, max: 2000 }).map(String), headerValue)),
  })
  .map(({ rpc, contentType, body, timeout }) => ({
    kind: 'http',
    method: 'POST',
    path: rpc.path,
    headers: {
      'content-type': contentType,
      'connect-protocol-version': '1',
      // Live feeds last as long as their watcher: bound them by a deadline of the caller's.
      'connect-timeout-ms': rpc.streaming ? '500' : (timeout ?? String(DEADLINE_MS)),
    },
    body: contentType.startsWith('application/connect+') ? envelope(body, 0) : body,
  }));

const grpcWebRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    rpc,
    flags: fc.constantFrom(0, 0, 1, 0x80),
    payload: bytes,
    framed: fc.boolean(),
    variant: fc.constantFrom('application/grpc-web', 'application/grpc-web+proto', 'application/grpc-web+json'),
    encoding: fc.option(fc.constantFrom('gzip', 'br', 'identity', 'snappy')),
  })
  .map(({ rpc, flags, payload, framed, variant, encoding }) => ({
    kind: 'http',
    method: 'POST',
    path: rpc.path,
    headers: {
      'content-type': variant,
      'x-grpc-web': '1',
      'grpc-timeout': rpc.streaming ? '500m' : `${DEADLINE_MS}m`,
      ...(encoding ? { 'grpc-encoding': encoding } : {}),
    },
    body: framed ? envelope(payload, flags) : payload,
  }));

const grpcRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({ rpc, payload: fc.oneof(bytes, rpcJson.map(text)) })
  .map(({ rpc, payload }) => ({ kind: 'grpc', path: rpc.path, payload }));

const anyRequest = fc.oneof(plainRequest, connectRequest, grpcWebRequest, grpcRequest);

const describeRequest = (request: FuzzRequest) =>
  JSON.stringify({
    ...request,
    ...('body' in request && request.body ? { body: Buffer.from(request.body).toString('base64').slice(0, 300) } : {}),
    ...('payload' in request ? { payload: Buffer.from(request.payload).toString('base64').slice(0, 300) } : {}),
  });

let stack: RunningStack & { keyspace: string };
let grpc: Client;

beforeAll(async () => {
  stack = await startIsolatedStack('fuzz', { GATEWAY_DEADLINE_MS: String(DEADLINE_MS), LOG_LEVEL: 'fatal' });
  grpc = new Client(`127.0.0.1:${stack.ports.gateway}`, credentials.createInsecure());
}, 120_000);

afterAll(async () => {
  grpc?.close();
  await stack?.stop();
});

/** What one request got: an HTTP status or a gRPC code, and how long it took. */
async function send(request: FuzzRequest): Promise<{ outcome: string; ok: boolean; ms: number }> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  if (request.kind === 'grpc') {
    const code = await new Promise<status>((resolve) => {
      const isStream = rpcPaths.find((rpc) => rpc.path === request.path)?.streaming;
      const deadline = new Date(Date.now() + (isStream ? 500 : DEADLINE_MS));
      const pass = (b: Buffer) => b;
      if (isStream) {
        const call = grpc.makeServerStreamRequest(request.path, pass, pass, Buffer.from(request.payload), new Metadata(), { deadline });
        call.on('data', () => {});
        call.on('error', (error: ServiceError) => resolve(error.code));
        call.on('end', () => resolve(status.OK));
      } else {
        grpc.makeUnaryRequest(request.path, pass, pass, Buffer.from(request.payload), new Metadata(), { deadline }, (error) =>
          resolve(error ? error.code : status.OK),
        );
      }
    });
    const bad = code === status.INTERNAL || code === status.UNKNOWN || code === status.DATA_LOSS;
    return { outcome: `grpc ${status[code]}`, ok: !bad, ms: elapsed() };
  }
  const response = await fetch(`http://127.0.0.1:${stack.ports.gateway}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(GIVE_UP_MS),
  });
  const body = new Uint8Array(await response.arrayBuffer());
  const grpcStatus = response.headers.get('grpc-status') ?? grpcWebTrailerStatus(body);
  const httpOk = response.status < 500 || [501, 503, 504].includes(response.status);
  const grpcOk = grpcStatus === undefined || !['13', '2', '15'].includes(grpcStatus);
  return { outcome: `http ${response.status}${grpcStatus ? ` grpc ${grpcStatus}` : ''}`, ok: httpOk && grpcOk, ms: elapsed() };
}

/** What made a request fail: fetch puts the network error in `cause`. */
const causeOf = (error: Error) => (error.cause instanceof Error ? String(error.cause) : error.message);

/** The grpc-status of a gRPC-Web answer whose trailers came in its body. */
function grpcWebTrailerStatus(body: Uint8Array): string | undefined {
  return /grpc-status:\s*(\d+)/i.exec(Buffer.from(body).toString('latin1'))?.[1];
}

describe('fuzzing the gateway', () => {
  it(`answers ${REQUESTS} generated requests within the rules, and stays up`, async () => {
    console.log(`fuzz seed ${seed} (FUZZ_SEED=${seed} reproduces this run), ${REQUESTS} requests`);
    const requests = fc.sample(anyRequest, { numRuns: REQUESTS, seed });
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    let slowest = 0;
    const stalls = watchForStalls();
    await mapConcurrently(requests, CONCURRENCY, async (request, index) => {
      const started = Date.now();
      let result: { outcome: string; ok: boolean; ms: number };
      try {
        result = await send(request);
      } catch (error) {
        result = { outcome: `failed: ${causeOf(error as Error)}`, ok: false, ms: 0 };
      }
      outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
      const servedMs = result.ms - stalls.pausedMs(started, started + result.ms);
      slowest = Math.max(slowest, servedMs);
      const late = servedMs > DEADLINE_MS + ANSWER_SLACK_MS;
      if ((!result.ok || late) && failures.length < 10) {
        failures.push(`#${index} ${result.outcome}${late ? ` after ${servedMs} ms` : ''}: ${describeRequest(request)}`);
      }
    });
    stalls.stop();
    console.log(
      `fuzz outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])))}; ` +
        `slowest ${slowest} ms (not counting this process' own pauses, the longest ${stalls.longestMs()} ms)`,
    );
    expect(failures, `seed ${seed}`).toEqual([]);
    const health = await fetch(`http://127.0.0.1:${stack.ports.gateway}/healthz`);
    expect(health.status).toBe(200);
    for (const [name, process] of Object.entries(stack.processes)) expect(process.restarts, name).toBe(0);
    expect(rssBytes(stack.processes.gateway.pid!)).toBeLessThan(MAX_GATEWAY_RSS);
  }, 600_000);
});
