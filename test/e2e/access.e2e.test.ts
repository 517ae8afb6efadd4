// Access control as a caller outside the stack meets it: API keys on a stack that requires them (made by the CLI and
// by AccessService, checked on the original routes, Connect JSON and gRPC, per scope and per game, revoked within
// seconds), backends that answer only to the stack's own processes, processes that refuse to start open on a
// non-loopback address; the owners' internal write RPCs refused through the gateway
// (Connect JSON and gRPC) and on the owners' own ports without the service credential, while the same events sent
// through ingest are stored; web pages on origins not allowed refused (writes, preflights) and unable to read, a
// browser's simple text/plain write refused from any origin, while callers outside browsers are not concerned.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Metadata, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestServiceDefinition } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { SessionServiceDefinition } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import { Emoticon, ReactionServiceDefinition } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { internalRpcs } from '../../services/shared/access/internal-rpcs.js';
import { SERVICE_CREDENTIAL_METADATA } from '../../services/shared/access/service-credential.js';
import { allowedRequestHeaders } from '../../services/gateway/cors-policy.js';
import { createServiceClient } from '../../services/shared/grpc-client.js';
import { fromMillis, toTimestamp } from '../../services/shared/time.js';
import { startStack, type RunningStack } from '../../scripts/launcher.js';
import { KEY_RECHECK_MS } from '../../services/access/key-verifier.js';
import { HealthProbe } from '../../services/shared/health-probe.js';
import { repoRoot } from '../../services/shared/repo-root.js';
import { realGamesCsv } from '../support/shared-data.js';
import { runNodeScript } from '../support/node-script.js';
import { startIsolatedStack } from '../support/stack.js';

const LIVE_OPS = 'https://live-ops.example.com';
const FOREIGN = 'https://cat-videos.example.net';
let stack: RunningStack;
let gateway: string;
/** The same with keys required (GAMEPULSE_AUTH=on). */
let locked: RunningStack & { keyspace: string };
let lockedGateway: string;

beforeAll(async () => {
  [stack, locked] = await Promise.all([
    startIsolatedStack('access_e2e', { GAMEPULSE_CORS_ORIGINS: `${LIVE_OPS},http://localhost:5173` }),
    startIsolatedStack('access_locked', { GAMEPULSE_AUTH: 'on', GAMEPULSE_RATE_LIMIT_LOOPBACK: 'on', GAMEPULSE_ADDRESS_RATE: '400/400' }),
  ]);
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
  lockedGateway = `http://127.0.0.1:${locked.ports.gateway}`;
}, 120_000);
afterAll(async () => {
  await Promise.all([stack?.stop(), locked?.stop()]);
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
    expect(internalRpcs.size).toBe(7);
    for (const [path, instead] of internalRpcs) {
      const response = await fetch(`${gateway}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: [] }),
      });
      expect(response.status, path).toBe(403);
      const error = (await response.json()) as { code: string; message: string };
      expect(error.code).toBe('permission_denied');
      expect(error.message).toContain(instead.includes('ingest') ? 'IngestService/IngestEvents' : 'AccessService/DeletePlayerData');
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
  { to = gateway, from }: { to?: string; from?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${to}${path}`, {
      method,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      localAddress: from,
      agent: false,
    });
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

/** Runs `npm run keys -- …` (its script) against the locked stack's keyspace; resolves with its output. */
function keysCli(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot(), 'dist/scripts/keys.js'), ...args], {
      env: { ...process.env, CASSANDRA_KEYSPACE: locked.keyspace },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A Connect JSON call to the locked gateway. */
async function lockedRpc(path: string, body: unknown, key?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${lockedGateway}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? bearer(key) : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function createKey(adminKey: string, game: string, scopes: string[]): Promise<string> {
  const made = await lockedRpc('gamepulse.access.v1.AccessService/CreateKey', { game, scopes, label: 'e2e' }, adminKey);
  expect(made.status).toBe(200);
  return made.body.secret as string;
}

describe('API keys, with keys required', () => {
  let adminKey: string;
  beforeAll(async () => {
    const made = await keysCli('create', '--game', 'space-raiders', '--scope', 'admin', '--label', 'first admin');
    expect(made.code, made.out).toBe(0);
    adminKey = /^(gp_\S+)$/m.exec(made.out)![1];
  });

  it('refuses every call without a key, on the original routes, Connect JSON and gRPC; health stays open', async () => {
    const analytics = await fetch(`${lockedGateway}/analytics?timestamp=${Date.now()}`);
    expect(analytics.status).toBe(401);
    expect(((await analytics.json()) as { error: string }).error).toMatch(/^authorization: missing/);
    const post = await fetch(`${lockedGateway}/analytics?timestamp=${Date.now()}&user=u&click`, { method: 'POST' });
    expect(post.status).toBe(401);
    const connect = await lockedRpc('gamepulse.session.v1.SessionService/ListCompletedSessions', { playerId: 'p1' });
    expect(connect).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    const viaGrpc = createServiceClient(IngestServiceDefinition, `127.0.0.1:${locked.ports.gateway}`);
    try {
      await expect(viaGrpc.ingestEvents({ events: [] }, { deadline: 5000 })).rejects.toMatchObject({ code: Status.UNAUTHENTICATED });
      const withKey = Metadata(bearer(`${adminKey.slice(0, -2)}xx`));
      await expect(viaGrpc.ingestEvents({ events: [] }, { deadline: 5000, metadata: withKey })).rejects.toMatchObject({
        code: Status.UNAUTHENTICATED,
      });
    } finally {
      viaGrpc.close();
    }
    expect((await fetch(`${lockedGateway}/healthz`)).status).toBe(200);
  });

  it('serves each scope its own: a read key reads and cannot write, an ingest key writes and cannot read', async () => {
    const reader = await createKey(adminKey, 'space-raiders', ['SCOPE_READ']);
    const writer = await createKey(adminKey, '', ['SCOPE_INGEST']);
    const hour = Date.now();
    const user = `key-${randomUUID()}`;
    const write = (key: string) =>
      fetch(`${lockedGateway}/analytics?timestamp=${hour}&user=${user}&click`, { method: 'POST', headers: bearer(key) });
    const read = (key: string) => fetch(`${lockedGateway}/analytics?timestamp=${hour}`, { headers: bearer(key) });
    const denied = await write(reader);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: string }).error).toContain('lacks the "ingest" scope');
    expect((await write(writer)).status).toBe(204);
    expect((await read(reader)).status).toBe(200);
    expect((await read(writer)).status).toBe(403);
    const ingestAsReader = await lockedRpc('gamepulse.ingest.v1.IngestService/IngestEvents', { events: [] }, reader);
    expect(ingestAsReader).toMatchObject({ status: 403, body: { code: 'permission_denied' } });
    const adminAsReader = await lockedRpc('gamepulse.access.v1.AccessService/ListKeys', {}, reader);
    expect(adminAsReader.status).toBe(403);
  });

  it("an admin key manages its own game's keys only", async () => {
    const other = await keysCli('create', '--game', 'moon-miners', '--scope', 'read');
    expect(other.code, other.out).toBe(0);
    const otherKeyId = /^created (\S+)/m.exec(other.out)![1];
    const create = await lockedRpc(
      'gamepulse.access.v1.AccessService/CreateKey',
      { game: 'moon-miners', scopes: ['SCOPE_READ'] },
      adminKey,
    );
    expect(create).toMatchObject({ status: 403, body: { code: 'permission_denied' } });
    const list = await lockedRpc('gamepulse.access.v1.AccessService/ListKeys', { game: 'moon-miners' }, adminKey);
    expect(list.status).toBe(403);
    const revoke = await lockedRpc('gamepulse.access.v1.AccessService/RevokeKey', { keyId: otherKeyId }, adminKey);
    expect(revoke).toMatchObject({ status: 404, body: { code: 'not_found' } });
    const own = await lockedRpc('gamepulse.access.v1.AccessService/ListKeys', {}, adminKey);
    const listed = own.body.keys as Array<{ game: string; secret?: string }>;
    expect(listed.length).toBeGreaterThanOrEqual(1);
    expect(listed.every((key) => key.game === 'space-raiders' && key.secret === undefined)).toBe(true);
  });

  it('a revoked key stops working within seconds', async () => {
    const reader = await createKey(adminKey, 'space-raiders', ['SCOPE_READ']);
    const read = () => fetch(`${lockedGateway}/analytics?timestamp=${Date.now()}`, { headers: bearer(reader) }).then((r) => r.status);
    expect(await read()).toBe(200);
    const keyId = /^gp_([a-z0-9]{16})_/.exec(reader)![1];
    const revoked = await keysCli('revoke', '--key-id', keyId);
    expect(revoked.code, revoked.out).toBe(0);
    const revokedAt = Date.now();
    let status = await read();
    while (status === 200 && Date.now() - revokedAt < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await read();
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(KEY_RECHECK_MS + 2000);
  });

  it("the backends answer only to the stack's own processes (health aside)", async () => {
    const ingest = createServiceClient(IngestServiceDefinition, `127.0.0.1:${locked.ports.ingest}`);
    try {
      await expect(ingest.ingestEvents({ events: [] }, { deadline: 5000 })).rejects.toMatchObject({
        code: Status.UNAUTHENTICATED,
        details: expect.stringContaining('call the gateway with an API key'),
      });
    } finally {
      ingest.close();
    }
    const health = await new HealthProbe(`127.0.0.1:${locked.ports.session}`).check(2000);
    expect(health.status).toBe('SERVING');
  });
});

describe("a game's data is its own", () => {
  const match = `derby-${randomUUID()}`;
  const ts = new Date().toISOString();
  const reactionsBy = (key: string, eventIds: string[]) =>
    lockedRpc(
      'gamepulse.ingest.v1.IngestService/IngestEvents',
      {
        events: eventIds.map((eventId) => ({
          eventId,
          reaction: { userId: 'fan', matchId: match, emoticon: 'EMOTICON_HEART', ts },
        })),
      },
      key,
    );
  const heartsSeenBy = async (key: string) => {
    const answer = await lockedRpc('gamepulse.reaction.v1.ReactionService/GetMatchReactions', { matchId: match }, key);
    expect(answer.status).toBe(200);
    return Number((answer.body.summary as { total?: string }).total ?? 0);
  };

  /** An ingest and read key of each of two games. */
  let space: string;
  let moon: string;
  beforeAll(async () => {
    const made = await keysCli('create', '--game', 'space-raiders', '--scope', 'admin');
    const spaceAdmin = /^(gp_\S+)$/m.exec(made.out)![1];
    const other = await keysCli('create', '--game', 'moon-miners', '--scope', 'admin');
    const moonAdmin = /^(gp_\S+)$/m.exec(other.out)![1];
    space = await createKey(spaceAdmin, '', ['SCOPE_INGEST', 'SCOPE_READ']);
    moon = await createKey(moonAdmin, '', ['SCOPE_INGEST', 'SCOPE_READ']);
  });

  it("match reactions: one game's key neither reads nor overwrites another game's, even with the same ids", async () => {
    expect((await reactionsBy(space, ['r1', 'r2', 'r3'])).body).toMatchObject({ accepted: 3 });
    expect(await heartsSeenBy(space)).toBe(3);
    expect(await heartsSeenBy(moon)).toBe(0);
    // The same event ids in the other game are that game's own reactions, not duplicates of the first game's.
    expect((await reactionsBy(moon, ['r1'])).body).toMatchObject({ accepted: 1 });
    expect(await heartsSeenBy(moon)).toBe(1);
    expect(await heartsSeenBy(space)).toBe(3);
    expect((await reactionsBy(space, ['r1'])).body).toMatchObject({ duplicates: 1 });
  });

  it('player sessions: a game lists and counts only its own, on the original routes and Connect; its page tokens stay its own', async () => {
    const player = `both-${randomUUID()}`;
    const sessionsOf = (key: string) =>
      fetch(`${lockedGateway}/by-player/${player}`, { headers: bearer(key) }).then(
        async (r) => ((await r.json()) as { sessions: unknown[] }).sessions.length,
      );
    const startsIn = async (key: string, country: string) => {
      const answer = await lockedRpc('gamepulse.session.v1.SessionService/ListSessionStarts', { country, hours: 1 }, key);
      return ((answer.body.starts as Array<{ playerId: string }> | undefined) ?? []).filter((start) => start.playerId === player).length;
    };
    for (let session = 0; session < 2; session++) {
      const post = await fetch(`${lockedGateway}/event-handler`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(space) },
        body: sessionOf(player),
      });
      expect(post.status).toBe(200);
    }
    expect(await sessionsOf(space)).toBe(2);
    expect(await sessionsOf(moon)).toBe(0);
    expect(await startsIn(space, 'FI')).toBe(2);
    expect(await startsIn(moon, 'FI')).toBe(0);
    // A page token one game was given does not open in another's.
    const rpc = 'gamepulse.session.v1.SessionService/ListSessionStarts';
    const firstPage = await lockedRpc(rpc, { country: 'FI', hours: 24, pageSize: 1 }, space);
    const pageToken = firstPage.body.nextPageToken as string;
    expect(pageToken).toBeTruthy();
    expect((await lockedRpc(rpc, { country: 'FI', hours: 24, pageSize: 1, pageToken }, space)).status).toBe(200);
    const replayed = await lockedRpc(rpc, { country: 'FI', hours: 24, pageSize: 1, pageToken }, moon);
    expect(replayed).toMatchObject({
      status: 400,
      body: { code: 'invalid_argument', message: expect.stringMatching(/^page_token: /) as string },
    });
  });

  it('mode popularity: each game ranks only its own players, now and over a window', async () => {
    const area = String(500 + Math.floor(Math.random() * 400));
    const login = await fetch(`${lockedGateway}/events/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(space) },
      body: JSON.stringify({ items: [{ area_code: area, multiplayer_mode: 'Duel', user_id: 'ann', events_name: 'LOGIN' }] }),
    });
    expect(login.status).toBe(200);
    const stats = (key: string, hours = '') =>
      fetch(`${lockedGateway}/stats/?area_code=${area}${hours}`, { headers: bearer(key) }).then((r) => r.json());
    expect(await stats(space)).toEqual({ [area]: [{ count: 1, multiplayer_mode: 'Duel' }] });
    expect(await stats(moon)).toEqual({});
    expect(await stats(space, '&hours=1')).toEqual({ [area]: [{ count: 1, multiplayer_mode: 'Duel' }] });
    expect(await stats(moon, '&hours=1')).toEqual({});
  });

  it('Connect-4: a game imports, counts and lists only its own games and players (the original data)', async () => {
    const lines = readFileSync(realGamesCsv(), 'utf8').split('\n');
    const firstGames = new Set(lines.slice(1, 400).map((line) => line.split(',')[0]));
    const ids = [...firstGames].slice(0, 5);
    const csv = [lines[0], ...lines.slice(1).filter((line) => ids.includes(line.split(',')[0]))].join('\n') + '\n';
    const upload = (key: string) =>
      fetch(`${lockedGateway}/connect4/games`, { method: 'POST', headers: { 'content-type': 'text/csv', ...bearer(key) }, body: csv });
    const stored = async (key: string) => ((await (await upload(key)).json()) as { games: { stored: number } }).games.stored;
    expect(await stored(space)).toBe(ids.length);
    const gamesCounted = async (key: string) => {
      const answer = (await (await fetch(`${lockedGateway}/connect4/first-move-columns`, { headers: bearer(key) })).json()) as {
        columns: Array<{ games: number }>;
      };
      return answer.columns.reduce((sum, column) => sum + column.games, 0);
    };
    expect(await gamesCounted(space)).toBe(ids.length);
    expect(await gamesCounted(moon)).toBe(0);
    const singles = async (key: string) =>
      ((await (await fetch(`${lockedGateway}/connect4/single-game-players`, { headers: bearer(key) })).json()) as { players: unknown[] })
        .players.length;
    expect(await singles(space)).toBeGreaterThan(0);
    expect(await singles(moon)).toBe(0);
    // The same games in the other game are that game's own, not duplicates.
    expect(await stored(moon)).toBe(ids.length);
  });

  it('hourly engagement: each game counts its own clicks, impressions and users on the original routes', async () => {
    // A closed hour of yesterday: nothing else in this stack writes there.
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 20 * 3_600_000;
    const post = (key: string, user: string, kind: string, at: number) =>
      fetch(`${lockedGateway}/analytics?timestamp=${at}&user=${user}&${kind}`, { method: 'POST', headers: bearer(key) }).then(
        (r) => r.status,
      );
    const counts = (key: string) =>
      fetch(`${lockedGateway}/analytics?timestamp=${hour + 1}`, { headers: bearer(key) }).then((r) => r.text());
    expect(await post(space, 'ann', 'click', hour + 10)).toBe(204);
    expect(await post(space, 'bob', 'impression', hour + 20)).toBe(204);
    expect(await post(moon, 'ann', 'click', hour + 30)).toBe(204);
    expect(await counts(space)).toBe('unique_users,2\nclicks,1\nimpressions,1\n');
    expect(await counts(moon)).toBe('unique_users,1\nclicks,1\nimpressions,0\n');
  });
});

describe('rate limits', () => {
  /** `count` GETs of this hour's engagement from the loopback address `from`, 32 at a time: their statuses. */
  async function flood(
    count: number,
    from: string,
    headers: Record<string, string> = {},
  ): Promise<Array<{ status: number; retryAfter?: string; body: string }>> {
    const answers: Array<{ status: number; retryAfter?: string; body: string }> = [];
    let sent = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (sent < count) {
          sent++;
          const answer = await send('GET', `/analytics?timestamp=${Date.now()}`, headers, '', { to: lockedGateway, from });
          answers.push({ status: answer.status, retryAfter: answer.headers['retry-after'], body: answer.body });
        }
      }),
    );
    return answers;
  }

  let adminKey: string;
  beforeAll(async () => {
    const made = await keysCli('create', '--game', 'space-raiders', '--scope', 'admin', '--scope', 'read');
    adminKey = /^(gp_\S+)$/m.exec(made.out)![1];
  });

  it("a key flooded past its own limit gets 429 with Retry-After while another key's calls all go through", async () => {
    const made = await lockedRpc(
      'gamepulse.access.v1.AccessService/CreateKey',
      { scopes: ['SCOPE_READ'], label: 'flooded', ratePerSecond: 20, burst: 20 },
      adminKey,
    );
    const flooded = made.body.secret as string;
    const calm = await createKey(adminKey, 'space-raiders', ['SCOPE_READ']);
    const started = Date.now();
    const [floodAnswers, calmAnswers] = await Promise.all([
      flood(300, '127.0.0.3', bearer(flooded)).then((answers) => ({ answers, seconds: (Date.now() - started) / 1000 })),
      (async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) {
          statuses.push(
            (await send('GET', `/analytics?timestamp=${Date.now()}`, bearer(calm), '', { to: lockedGateway, from: '127.0.0.4' })).status,
          );
        }
        return statuses;
      })(),
    ]);
    const refused = floodAnswers.answers.filter((answer) => answer.status === 429);
    const served = floodAnswers.answers.filter((answer) => answer.status === 200);
    // 20 at once, then 20 a second (the key's own limit), within one lease.
    expect(served.length).toBeGreaterThanOrEqual(20);
    expect(served.length).toBeLessThanOrEqual(20 + Math.ceil(20 * floodAnswers.seconds) + 1);
    expect(refused.length + served.length).toBe(300);
    expect(refused.every((answer) => Number(answer.retryAfter) >= 1)).toBe(true);
    expect(calmAnswers).toEqual(Array.from({ length: 20 }, () => 200));

    expect(errorOf(refused[0].body)).toMatch(/^rate limit: key [a-z0-9]{16} is over/);
  });

  it('answers RPCs over the limit with 429 / RESOURCE_EXHAUSTED, in Connect JSON and gRPC', async () => {
    const made = await lockedRpc(
      'gamepulse.access.v1.AccessService/CreateKey',
      { scopes: ['SCOPE_READ'], ratePerSecond: 1, burst: 1 },
      adminKey,
    );
    const once = made.body.secret as string;
    const rpc = 'gamepulse.session.v1.SessionService/ListCompletedSessions';
    expect((await lockedRpc(rpc, { playerId: 'p1' }, once)).status).toBe(200);
    expect(await lockedRpc(rpc, { playerId: 'p1' }, once)).toMatchObject({ status: 429, body: { code: 'resource_exhausted' } });
    const viaGrpc = createServiceClient(SessionServiceDefinition, `127.0.0.1:${locked.ports.gateway}`);
    try {
      await expect(
        viaGrpc.listCompletedSessions({ playerId: 'p1' }, { deadline: 5000, metadata: Metadata(bearer(once)) }),
      ).rejects.toMatchObject({
        code: Status.RESOURCE_EXHAUSTED,
      });
    } finally {
      viaGrpc.close();
    }
  });

  it('an address flooded past the address limit gets 429 before its key is looked at; other addresses go on', async () => {
    const started = Date.now();
    const answers = await flood(3000, '127.0.0.2', bearer('gp_aaaaaaaaaaaaaaaa_made-up-key-made-up-key-made-up-key-made-upx'));
    const seconds = (Date.now() - started) / 1000;
    const refused = answers.filter((answer) => answer.status === 429);
    const lookedAt = answers.filter((answer) => answer.status === 401);
    // 400 at once, then 400 a second (GAMEPULSE_ADDRESS_RATE), within one lease of 20.
    expect(lookedAt.length).toBeGreaterThanOrEqual(400);
    expect(lookedAt.length).toBeLessThanOrEqual(400 + Math.ceil(400 * seconds) + 20);
    expect(refused.length + lookedAt.length).toBe(3000);
    expect(errorOf(refused[0].body)).toMatch(/^rate limit: client address 127\.0\.0\.2 is over/);
    expect((await send('GET', '/healthz', {}, '', { to: lockedGateway, from: '127.0.0.5' })).status).toBe(200);
    expect(
      (await send('GET', `/analytics?timestamp=${Date.now()}`, bearer(adminKey), '', { to: lockedGateway, from: '127.0.0.5' })).status,
    ).toBe(200);
  });
});

describe('protected mode', () => {
  it('a process bound to a non-loopback address refuses to start with auth unset, and says what to set', async () => {
    // It refuses before it listens: no traffic leaves loopback.
    for (const script of ['dist/services/gateway/main.js', 'dist/services/session/main.js']) {
      const { code, out } = await runNodeScript(script, {
        timeoutMs: 20_000,
        env: { GAMEPULSE_HOST: '0.0.0.0', GAMEPULSE_AUTH: '', LOG_FORMAT: 'json' },
      });
      expect(code, script).toBe(78);
      expect(out).toContain('refusing to start');
      expect(out).toContain('GAMEPULSE_AUTH=on');
    }
    await expect(startStack({ env: { GAMEPULSE_HOST: '0.0.0.0', GAMEPULSE_AUTH: '' }, output: 'ignore' })).rejects.toThrow(
      /refusing to start/,
    );
  });

  it('auth on without the service credential refuses too', async () => {
    const { code, out } = await runNodeScript('dist/services/ingest/main.js', {
      timeoutMs: 20_000,
      env: { GAMEPULSE_AUTH: 'on', GAMEPULSE_SERVICE_CREDENTIAL: '', LOG_FORMAT: 'json' },
    });
    expect(code).toBe(78);
    expect(out).toContain('GAMEPULSE_SERVICE_CREDENTIAL');
  });
});
