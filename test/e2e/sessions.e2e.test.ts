// Player sessions as a user meets them: generated events of the original format posted to the gateway's
// /event-handler in batches of 10, then /by-country and /by-player (and the same through grpcurl and Connect JSON)
// compared with an independent computation over the same lines, duplicates, out-of-order pairs and junk included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../scripts/launcher.js';
import { generateSessionLines } from '../../scripts/sessions/generator.js';
import { systemClock } from '../../services/shared/time.js';
import { grpcurl } from '../support/grpcurl.js';
import { SessionOracle, type OracleEvent } from '../support/session-oracle.js';
import { startIsolatedStack } from '../support/stack.js';

let stack: RunningStack;
let gateway: string;
const oracle = new SessionOracle();
const posted: Array<{ status: string; reason?: string }> = [];
const lines = [...generateSessionLines({ players: 40, sessions: 300, days: 2, seed: 7, now: systemClock() })];

beforeAll(async () => {
  stack = await startIsolatedStack('sessions_e2e');
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
  for (let i = 0; i < lines.length; i += 10) {
    const batch = lines.slice(i, i + 10);
    const response = await fetch(`${gateway}/event-handler`, { method: 'POST', body: `[${batch.join(',')}]` });
    expect(response.status).toBe(200);
    posted.push(...((await response.json()) as { results: Array<{ status: string; reason?: string }> }).results);
    for (const line of batch) oracle.add(JSON.parse(line) as OracleEvent);
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

/** The answer of `ask`, which must equal the oracle's for "now" taken just before or just after asking. */
async function agreesWithOracle<T>(ask: () => Promise<T>, expected: (now: number) => T): Promise<void> {
  const before = expected(Date.now());
  const answer = await ask();
  const after = expected(Date.now());
  expect([before, after]).toContainEqual(answer);
}

describe('POST /event-handler', () => {
  it('answers each event as the independent computation expects', () => {
    expect(posted.map((p) => p.status)).toEqual(oracle.outcomes);
    expect(oracle.outcomes.filter((o) => o === 'duplicate').length).toBeGreaterThan(0);
    expect(oracle.outcomes.filter((o) => o === 'rejected').length).toBeGreaterThan(0);
    const junk = posted.find((p) => p.status === 'rejected');
    expect(junk?.reason).toMatch(/^session_start\.country: must be an ISO 3166-1 alpha-2 country code/);
  });

  it('refuses a malformed body and an array of more than 10 with 400 and a one-line reason', async () => {
    const malformed = await fetch(`${gateway}/event-handler`, { method: 'POST', body: '{"event": "start",' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/^body: malformed JSON/);
    const tooMany = await fetch(`${gateway}/event-handler`, { method: 'POST', body: `[${lines.slice(0, 11).join(',')}]` });
    expect(tooMany.status).toBe(400);
  });
});

describe('GET /by-country/{country}/{hours}', () => {
  it.each([1, 6, 30])("lists the busiest countries' starts of the last %i hours, newest first", async (hours) => {
    for (const country of oracle.busiestCountries(3)) {
      await agreesWithOracle(
        async () => {
          const response = await fetch(`${gateway}/by-country/${country}/${hours}`);
          expect(response.status).toBe(200);
          const body = (await response.json()) as { starts: Array<{ session_id: string }> };
          return body.starts.map((s) => s.session_id);
        },
        (now) => oracle.startsInWindow(country, hours, now).map((s) => s.sessionId),
      );
    }
  });

  it('rejects a junk country and an out-of-range window with 400', async () => {
    expect((await fetch(`${gateway}/by-country/Code/24`)).status).toBe(400);
    const response = await fetch(`${gateway}/by-country/FI/9000`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^hours: /);
  });
});

describe('GET /by-player/{player_id}', () => {
  it('lists the last 20 completed sessions of the players with the most, newest first', async () => {
    for (const player of oracle.busiestPlayers(3)) {
      const response = await fetch(`${gateway}/by-player/${player}`);
      const body = (await response.json()) as { sessions: Array<{ session_id: string; start: string; end: string }> };
      const expected = oracle.completedSessions(player).slice(0, 20);
      expect(body.sessions.map((s) => [s.session_id, s.start, s.end])).toEqual(expected.map((s) => [s.sessionId, s.startIso, s.endIso]));
    }
  });
});

describe('the same capabilities over gRPC and Connect JSON', () => {
  it('counts starts per country through grpcurl', async () => {
    await agreesWithOracle(
      async () => {
        const out = await grpcurl(
          '-d',
          '{"hours": 48}',
          `127.0.0.1:${stack.ports.session}`,
          'gamepulse.session.v1.SessionService/CountSessionStarts',
        );
        const { countries } = JSON.parse(out) as { countries: Array<{ country: string; starts: string }> };
        return countries.map((c) => [c.country, Number(c.starts)]);
      },
      (now) => oracle.countsInWindow(48, now),
    );
  });

  it('lists completed sessions as Connect JSON through the gateway', async () => {
    const [player] = oracle.busiestPlayers(1);
    const response = await fetch(`${gateway}/gamepulse.session.v1.SessionService/ListCompletedSessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ playerId: player, limit: 5 }),
    });
    const body = (await response.json()) as { sessions: Array<{ sessionId: string }> };
    expect(body.sessions.map((s) => s.sessionId)).toEqual(
      oracle
        .completedSessions(player)
        .slice(0, 5)
        .map((s) => s.sessionId),
    );
  });
});
