// Engagement and match reactions as users meet them: thousands of concurrent POSTs on the original /analytics
// routes for the current and a past hour, the text answers compared with an independent count, bad requests, the
// streaming RPC through grpcurl, and a Connect client receiving live updates through the gateway.
import { randomUUID } from 'node:crypto';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, hourStartMs } from '../support/caller-time.js';
import { IngestService } from '../../gen/es/gamepulse/ingest/v1/ingest_pb.js';
import { Emoticon, ReactionService } from '../../gen/es/gamepulse/reaction/v1/reaction_pb.js';
import type { RunningStack } from '../../scripts/launcher.js';
import { grpcurl } from '../support/grpcurl.js';
import { startIsolatedStack } from '../support/stack.js';

let stack: RunningStack;
let gateway: string;

beforeAll(async () => {
  stack = await startIsolatedStack('reactions_e2e');
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const expectedBody = (users: Set<string>, clicks: number, impressions: number) =>
  `unique_users,${users.size}\nclicks,${clicks}\nimpressions,${impressions}\n`;

async function getAnalytics(millis: number): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(`${gateway}/analytics?timestamp=${millis}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('the original /analytics routes', () => {
  it('counts thousands of concurrent POSTs exactly, for the current hour and a past one', async () => {
    const now = Date.now();
    const hours = [hourStartMs(now), hourStartMs(now) - 5 * HOUR_MS];
    const tally = new Map(hours.map((h) => [h, { users: new Set<string>(), clicks: 0, impressions: 0 }]));
    const users = Array.from({ length: 300 }, (_, i) => `player${i}`);
    const requests = Array.from({ length: 2000 }, (_, i) => {
      const hour = i % 10 === 0 ? hours[1] : hours[0];
      const timestamp = hour + Math.floor(Math.random() * Math.min(HOUR_MS - 1, now - hour));
      const user = users[Math.floor(Math.random() * users.length)];
      const kind = Math.random() < 0.4 ? 'click' : 'impression';
      const t = tally.get(hour)!;
      t.users.add(user);
      if (kind === 'click') t.clicks++;
      else t.impressions++;
      const forms = [
        `/analytics?timestamp=${timestamp}&user=${user}&${kind}`,
        `/analytics?timestamp=${timestamp}&user=${user}&event=${kind}`,
        `/analytics/${timestamp}/${user}/${kind}`,
      ];
      return forms[i % 3];
    });
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < requests.length) {
          const response = await fetch(`${gateway}${requests[next++]}`, { method: 'POST' });
          statuses.push(response.status);
          expect(await response.text()).toBe('');
        }
      }),
    );
    expect(new Set(statuses)).toEqual(new Set([204]));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const hour of hours) {
      const t = tally.get(hour)!;
      expect(await getAnalytics(hour + 1234)).toEqual({
        status: 200,
        type: 'text/plain',
        body: expectedBody(t.users, t.clicks, t.impressions),
      });
    }
  }, 120_000);

  it('answers zeros for an empty hour', async () => {
    expect((await getAnalytics(Date.now() - 200 * 24 * HOUR_MS)).body).toBe('unique_users,0\nclicks,0\nimpressions,0\n');
  });

  it('refuses bad requests with 400 and a one-line reason, storing nothing', async () => {
    const hour = hourStartMs(Date.now()) - 9 * HOUR_MS;
    const t = hour + 5;
    const bad = [
      `/analytics?user=ann&click`,
      `/analytics?timestamp=soon&user=ann&click`,
      `/analytics?timestamp=${t}&user=ann`,
      `/analytics?timestamp=${t}&user=ann&event=like`,
      `/analytics?timestamp=${t}&user=ann&click&impression`,
      `/analytics?timestamp=${t}&user=&click`,
      `/analytics?timestamp=${t}&click`,
      `/analytics/${t}/ann/like`,
      `/analytics/${Date.now() - 400 * 24 * HOUR_MS}/ann/click`,
    ];
    for (const path of bad) {
      const response = await fetch(`${gateway}${path}`, { method: 'POST' });
      const body = await response.text();
      expect(response.status, path).toBe(400);
      expect(body.trim().split('\n'), path).toHaveLength(1);
      expect(body.trim().length, path).toBeGreaterThan(5);
    }
    expect((await fetch(`${gateway}/analytics`)).status).toBe(400);
    expect((await fetch(`${gateway}/analytics?timestamp=x`)).status).toBe(400);
    expect((await getAnalytics(t)).body).toBe('unique_users,0\nclicks,0\nimpressions,0\n');
  });
});

describe('match reactions', () => {
  it('shows the streaming RPC through grpcurl', async () => {
    const described = await grpcurl(`127.0.0.1:${stack.ports.reaction}`, 'describe', 'gamepulse.reaction.v1.ReactionService');
    expect(described).toContain(
      'rpc WatchMatchReactions ( .gamepulse.reaction.v1.WatchMatchReactionsRequest ) returns ( stream .gamepulse.reaction.v1.WatchMatchReactionsResponse );',
    );
  });

  it('streams live updates to a Connect client over HTTP/1.1 through the gateway', async () => {
    const transport = createConnectTransport({ baseUrl: gateway, httpVersion: '1.1' });
    const reactions = createClient(ReactionService, transport);
    const ingest = createClient(IngestService, transport);
    const matchId = `final-${randomUUID()}`;
    const abort = new AbortController();
    const totals: bigint[] = [];
    const watching = (async () => {
      try {
        for await (const update of reactions.watchMatchReactions({ matchId, intervalMs: 200 }, { signal: abort.signal })) {
          totals.push(update.summary!.total);
          if (update.summary!.total === 3n) return update.summary!;
        }
      } catch (error) {
        if (!abort.signal.aborted) throw error;
      }
      return undefined;
    })();
    while (totals.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const ts = { seconds: BigInt(Math.floor(Date.now() / 1000)), nanos: 0 };
    const reaction = (emoticon: Emoticon) => ({
      payload: { case: 'reaction' as const, value: { userId: randomUUID(), matchId, emoticon, ts } },
    });
    const { accepted } = await ingest.ingestEvents({
      events: [reaction(Emoticon.HEART), reaction(Emoticon.HEART), reaction(Emoticon.HAPPY)],
    });
    expect(accepted).toBe(3);
    const final = await Promise.race([watching, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    abort.abort();
    expect(totals[0]).toBe(0n);
    expect(final).toMatchObject({
      total: 3n,
      emoticons: [
        { emoticon: Emoticon.HEART, count: 2n, intensity: 1n },
        { emoticon: Emoticon.HAPPY, count: 1n, intensity: 1n },
      ],
    });
  });
});
