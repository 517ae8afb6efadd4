// Access control as a caller outside the stack meets it: the owners' internal write RPCs refused through the gateway
// (Connect JSON and gRPC) and on the owners' own ports without the service credential, while the same events sent
// through ingest are stored; web pages on origins not allowed refused (writes, preflights) and unable to read, a
// browser's simple text/plain write refused from any origin, while callers outside browsers are not concerned.
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Metadata, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestServiceDefinition } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { Emoticon, ReactionServiceDefinition } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { internalRpcPaths } from '../../services/shared/access/internal-rpcs.js';
import { SERVICE_CREDENTIAL_METADATA } from '../../services/shared/access/service-credential.js';
import { allowedRequestHeaders } from '../../services/gateway/cors-policy.js';
import { createServiceClient } from '../../services/shared/grpc-client.js';
import { fromMillis, toTimestamp } from '../../services/shared/time.js';
import type { RunningStack } from '../../scripts/launcher.js';
import { startIsolatedStack } from '../support/stack.js';

const LIVE_OPS = 'https://live-ops.example.com';
const FOREIGN = 'https://cat-videos.example.net';
let stack: RunningStack;
let gateway: string;

beforeAll(async () => {
  stack = await startIsolatedStack('access_e2e', { GAMEPULSE_CORS_ORIGINS: `${LIVE_OPS},http://localhost:5173` });
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const reactionOn = (matchId: string) => ({
  userId: 'mallory',
  matchId,
  emoticon: Emoticon.EMOTICON_HEART,
  ts: toTimestamp(fromMillis(Date.now())),
});

async function heartsOn(matchId: string): Promise<number> {
  const client = createServiceClient(ReactionServiceDefinition, `127.0.0.1:${stack.ports.reaction}`);
  try {
    const { summary } = await client.getMatchReactions({ matchId }, { deadline: 5000 });
    return summary?.total ?? 0;
  } finally {
    client.close();
  }
}

describe("the owners' internal write RPCs", () => {
  it('are refused through the gateway as Connect JSON, naming the RPC to use instead', async () => {
    expect(internalRpcPaths.size).toBe(4);
    for (const path of internalRpcPaths) {
      const response = await fetch(`${gateway}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: [] }),
      });
      expect(response.status, path).toBe(403);
      const error = (await response.json()) as { code: string; message: string };
      expect(error.code).toBe('permission_denied');
      expect(error.message).toContain('IngestService/IngestEvents');
    }
  });

  it('are refused through the gateway over gRPC, and store nothing', async () => {
    const matchId = `internal-${randomUUID()}`;
    const viaGateway = createServiceClient(ReactionServiceDefinition, `127.0.0.1:${stack.ports.gateway}`);
    try {
      await expect(
        viaGateway.recordReactions(
          { events: [{ eventId: randomUUID(), event: reactionOn(matchId), idAssigned: false }] },
          { deadline: 5000 },
        ),
      ).rejects.toMatchObject({ code: Status.PERMISSION_DENIED });
    } finally {
      viaGateway.close();
    }
    expect(await heartsOn(matchId)).toBe(0);
  });

  it("are refused on the owner's own port without the service credential or with a wrong one", async () => {
    const matchId = `internal-${randomUUID()}`;
    const direct = createServiceClient(ReactionServiceDefinition, `127.0.0.1:${stack.ports.reaction}`);
    const request = { events: [{ eventId: randomUUID(), event: reactionOn(matchId), idAssigned: false }] };
    try {
      await expect(direct.recordReactions(request, { deadline: 5000 })).rejects.toMatchObject({
        code: Status.PERMISSION_DENIED,
        details: expect.stringContaining('answers only to'),
      });
      const forged = Metadata({ [SERVICE_CREDENTIAL_METADATA]: 'guessed-credential-of-some-length' });
      await expect(direct.recordReactions(request, { deadline: 5000, metadata: forged })).rejects.toMatchObject({
        code: Status.PERMISSION_DENIED,
      });
    } finally {
      direct.close();
    }
    expect(await heartsOn(matchId)).toBe(0);
  });

  it('answer to ingest: the same reaction sent through IngestEvents is stored', async () => {
    const matchId = `internal-${randomUUID()}`;
    const ingest = createServiceClient(IngestServiceDefinition, `127.0.0.1:${stack.ports.ingest}`);
    try {
      const answer = await ingest.ingestEvents(
        { events: [{ eventId: randomUUID(), payload: { $case: 'reaction', value: reactionOn(matchId) } }] },
        { deadline: 5000 },
      );
      expect(answer.accepted).toBe(1);
    } finally {
      ingest.close();
    }
    expect(await heartsOn(matchId)).toBe(1);
  });
});

/** A request with the headers given, `Origin` among them (which fetch would not send as asked), and its answer. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway}${path}`, { method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

const errorOf = (body: string) => (JSON.parse(body) as { error: string }).error;

/** A session's start and end as the original POST /event-handler takes them. */
function sessionOf(player: string): string {
  const sessionId = randomUUID();
  const start = new Date(Date.now() - 60_000).toISOString();
  const end = new Date().toISOString();
  return JSON.stringify([
    { event: 'start', country: 'FI', player_id: player, session_id: sessionId, ts: start },
    { event: 'end', player_id: player, session_id: sessionId, ts: end },
  ]);
}

async function completedSessionsOf(player: string): Promise<number> {
  const response = await fetch(`${gateway}/by-player/${player}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { sessions: unknown[] }).sessions.length;
}

describe('browsers (CORS)', () => {
  it('a preflight from an allowed origin lists exactly the allowed headers; one from another origin is refused', async () => {
    const rpc = '/gamepulse.session.v1.SessionService/ListCompletedSessions';
    const preflight = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' };
    const allowed = await send('OPTIONS', rpc, { origin: LIVE_OPS, ...preflight });
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(LIVE_OPS);
    const listed = String(allowed.headers['access-control-allow-headers']).split(', ');
    expect(new Set(listed)).toEqual(new Set(allowedRequestHeaders));
    expect(listed.map((h) => h.toLowerCase())).toEqual(
      expect.arrayContaining(['content-type', 'authorization', 'connect-protocol-version']),
    );
    expect(String(allowed.headers['access-control-allow-methods'])).toContain('POST');

    const foreign = await send('OPTIONS', rpc, { origin: FOREIGN, ...preflight });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(errorOf(foreign.body)).toContain('GAMEPULSE_CORS_ORIGINS');
  });

  it("refuses a foreign page's simple text/plain write, and stores nothing", async () => {
    const player = `cors-${randomUUID()}`;
    const answer = await send('POST', '/event-handler', { origin: FOREIGN, 'content-type': 'text/plain' }, sessionOf(player));
    expect(answer.status).toBe(403);
    expect(errorOf(answer.body)).toMatch(/^origin: .*cat-videos/);
    const noBody = await send('POST', `/analytics?timestamp=${Date.now()}&user=${player}&click`, { origin: FOREIGN });
    expect(noBody.status).toBe(403);
    expect(await completedSessionsOf(player)).toBe(0);
  });

  it('refuses a simple text/plain write from an allowed origin too, and takes the same events as JSON', async () => {
    const player = `cors-${randomUUID()}`;
    const plain = await send('POST', '/event-handler', { origin: LIVE_OPS, 'content-type': 'text/plain' }, sessionOf(player));
    expect(plain.status).toBe(415);
    expect(errorOf(plain.body)).toMatch(/^content-type: /);
    expect(await completedSessionsOf(player)).toBe(0);

    const json = await send('POST', '/event-handler', { origin: LIVE_OPS, 'content-type': 'application/json' }, sessionOf(player));
    expect(json.status).toBe(200);
    expect(json.headers['access-control-allow-origin']).toBe(LIVE_OPS);
    expect((JSON.parse(json.body) as { accepted: number }).accepted).toBe(2);
    expect(await completedSessionsOf(player)).toBe(1);
  });

  it("answers a foreign page's read without CORS headers (the browser keeps the answer from it), and its own pages in full", async () => {
    const foreign = await send('GET', `/analytics?timestamp=${Date.now()}`, { origin: FOREIGN });
    expect(foreign.status).toBe(200);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const own = `http://127.0.0.1:${stack.ports.gateway}`;
    const sameOrigin = await send('GET', `/analytics?timestamp=${Date.now()}`, { origin: own });
    expect(sameOrigin.headers['access-control-allow-origin']).toBe(own);
  });

  it('leaves callers outside browsers (no Origin) as they were: curl -d still writes', async () => {
    const player = `cors-${randomUUID()}`;
    const answer = await send('POST', '/event-handler', { 'content-type': 'application/x-www-form-urlencoded' }, sessionOf(player));
    expect(answer.status).toBe(200);
    expect(await completedSessionsOf(player)).toBe(1);
  });
});
