// Mode popularity as the original system's users meet it: random sequences of LOGIN / LOGOUT (repeats, logouts
// without logins, moves between modes and areas, any letter case) posted to /events/ in order, and every /stats/
// answer compared with an oracle of who is where after each step; bad requests refused with 422 and changing
// nothing; the ranking also read over Connect JSON, gRPC (grpcurl) and the live feed.
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestService } from '../../gen/es/gamepulse/ingest/v1/ingest_pb.js';
import { ModeAction, SessionService } from '../../gen/es/gamepulse/session/v1/session_pb.js';
import type { RunningStack } from '../../scripts/launcher.js';
import { grpcurl } from '../support/grpcurl.js';
import { startIsolatedStack } from '../support/stack.js';

let stack: RunningStack;
let gateway: string;

beforeAll(async () => {
  stack = await startIsolatedStack('modes_e2e');
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

interface Item {
  area_code: string | number;
  multiplayer_mode: string;
  user_id: string;
  events_name: string;
}

/** Who is where, by the rules, after events applied in order: the oracle. */
class Oracle {
  private readonly places = new Map<string, string>();

  apply(item: Item): void {
    const place = `${item.area_code}\u0000${item.multiplayer_mode}`;
    if (item.events_name.toUpperCase() === 'LOGIN') this.places.set(item.user_id, place);
    else if (this.places.get(item.user_id) === place) this.places.delete(item.user_id);
  }

  /** The `/stats/` answer for an area. */
  stats(areaCode: string): Record<string, Array<{ count: number; multiplayer_mode: string }>> {
    const counts = new Map<string, number>();
    for (const place of this.places.values()) {
      const [area, mode] = place.split('\u0000') as [string, string];
      if (area === areaCode) counts.set(mode, (counts.get(mode) ?? 0) + 1);
    }
    const modes = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([multiplayer_mode, count]) => ({ count, multiplayer_mode }));
    return modes.length ? { [areaCode]: modes } : {};
  }
}

const post = (path: string, body: unknown) =>
  fetch(`${gateway}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** `/stats/` for the area once it agrees with `expected`, waiting at most the promised second. */
async function statsWithinOneSecond(areaCode: string, expected: unknown): Promise<unknown> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const answer = await (await fetch(`${gateway}/stats/?area_code=${areaCode}`)).json();
    if (JSON.stringify(answer) === JSON.stringify(expected) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const areas = ['111', '222', '333'];
const item = fc.record({
  area_code: fc.constantFrom<string | number>('111', 222, '333'),
  multiplayer_mode: fc.constantFrom('Modes1', 'Modes2', 'Modes3'),
  user_id: fc.constantFrom('User1', 'User2', 'User3', 'User4', 'User5'),
  events_name: fc.constantFrom('LOGIN', 'login', 'Login', 'LOGOUT', 'logout'),
});

describe('the original mode routes', () => {
  it('answers /stats/ as the oracle says after every step of random LOGIN / LOGOUT sequences', async () => {
    const seed = Number(process.env.MODES_SEED ?? Date.now() % 2 ** 31);
    console.log(`modes e2e seed ${seed} (MODES_SEED=${seed} reproduces it)`);
    const steps = fc.sample(fc.array(item, { minLength: 1, maxLength: 4 }), { numRuns: 40, seed });
    const oracle = new Oracle();
    for (const [step, items] of steps.entries()) {
      const answer = await post(step % 2 ? '/events' : '/events/', { items });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ status: true });
      items.forEach((i) => oracle.apply(i));
      // An area the request touched answers afresh at once through the same gateway; the others within a second.
      const touched = new Set(items.map((i) => String(i.area_code)));
      for (const area of touched) {
        const immediate = await (await fetch(`${gateway}/stats/?area_code=${area}`)).json();
        expect(immediate, `step ${step}, area ${area} at once, seed ${seed}`).toEqual(oracle.stats(area));
      }
      for (const area of areas) {
        expect(await statsWithinOneSecond(area, oracle.stats(area)), `step ${step}, area ${area}, seed ${seed}`).toEqual(
          oracle.stats(area),
        );
      }
    }
  }, 120_000);

  it('refuses bad requests with 422 naming the item and field, and stores nothing of them', async () => {
    const good = { area_code: '444', multiplayer_mode: 'Modes1', user_id: 'Ann', events_name: 'LOGIN' };
    const cases: Array<[unknown, RegExp]> = [
      [{ items: [good, { ...good, events_name: 'JUMP' }] }, /^items\[1\]\.events_name: must be LOGIN or LOGOUT$/],
      [{ items: [good, { ...good, area_code: 1000 }] }, /^items\[1\]\.area_code: must be an integer from 100 to 999/],
      [{ items: [good, { ...good, multiplayer_mode: 'x'.repeat(65) }] }, /^items\[1\]\.multiplayer_mode: must be at most 64/],
      [{ items: [good, { ...good, user_id: '' }] }, /^items\[1\]\.user_id: is required/],
      [
        { items: [good, { ...good, epoch_timestamp: Date.now() / 1000 + 3600 }] },
        /^items\[1\]\.epoch_timestamp: is more than 5 minutes in the future/,
      ],
      [{ items: [] }, /^items: must hold 1 to 500 events/],
      [{}, /^items: is required/],
    ];
    for (const [body, detail] of cases) {
      const answer = await post('/events/', body);
      expect(answer.status).toBe(422);
      expect(((await answer.json()) as { detail: string }).detail).toMatch(detail);
    }
    const notJson = await fetch(`${gateway}/events/`, { method: 'POST', body: '{"items": [' });
    expect(notJson.status).toBe(422);
    for (const query of ['', '?area_code=99', '?area_code=abc', '?area_code=444&hours=0']) {
      const answer = await fetch(`${gateway}/stats/${query}`);
      expect(answer.status, query).toBe(422);
      expect(await answer.json()).toHaveProperty('detail');
    }
    expect(await statsWithinOneSecond('444', {})).toEqual({});
  });

  it('takes epoch_timestamp as the event time: a late LOGOUT of an earlier time changes nothing', async () => {
    const now = Date.now() / 1000;
    const login = { area_code: 555, multiplayer_mode: 'Modes1', user_id: 'Bo', events_name: 'LOGIN', epoch_timestamp: now - 10 };
    await post('/events/', { items: [login] });
    await post('/events/', { items: [{ ...login, events_name: 'LOGOUT', epoch_timestamp: now - 20 }] });
    expect(await statsWithinOneSecond('555', { 555: [{ count: 1, multiplayer_mode: 'Modes1' }] })).toEqual({
      555: [{ count: 1, multiplayer_mode: 'Modes1' }],
    });
    const resent = await post('/events/', { items: [login] });
    expect(await resent.json()).toEqual({ status: true, accepted: 0, duplicates: 1 });
  });

  it('ranks by distinct users who logged in over a window with &hours=N', async () => {
    const items = ['Cy', 'Di', 'Ed'].map((user_id, k) => ({
      area_code: '666',
      multiplayer_mode: k ? 'Modes2' : 'Modes1',
      user_id,
      events_name: 'LOGIN',
    }));
    await post('/events/', { items: [...items, { ...items[1], events_name: 'LOGOUT' }] });
    const answer = await (await fetch(`${gateway}/stats?area_code=666&hours=1`)).json();
    expect(answer).toEqual({
      666: [
        { count: 2, multiplayer_mode: 'Modes2' },
        { count: 1, multiplayer_mode: 'Modes1' },
      ],
    });
  });

  it('generates demo traffic through the same write path', async () => {
    const answer = await post('/generate_data/', {});
    expect(answer.status).toBe(200);
    const { cnt_records_generated } = (await answer.json()) as { cnt_records_generated: number };
    expect(cnt_records_generated).toBeGreaterThan(0);
    const stats = await Promise.all([101, 110, 119].map(async (area) => (await fetch(`${gateway}/stats/?area_code=${area}`)).status));
    expect(stats).toEqual([200, 200, 200]);
  });

  it('serves the same ranking over Connect JSON, gRPC (grpcurl) and the live feed', async () => {
    const items = ['Fy', 'Gu'].map((user_id) => ({ area_code: '777', multiplayer_mode: 'Arena', user_id, events_name: 'LOGIN' }));
    await post('/events/', { items });
    const client = createClient(SessionService, createConnectTransport({ baseUrl: gateway, httpVersion: '1.1' }));
    const answer = await client.listPopularModes({ areaCode: '777' });
    expect(answer.modes.map((m) => [m.rank, m.mode, Number(m.players)])).toEqual([[1, 'Arena', 2]]);
    const viaGrpc = JSON.parse(
      await grpcurl(
        '-d',
        '{"area_code":"777"}',
        `127.0.0.1:${stack.ports.session}`,
        'gamepulse.session.v1.SessionService/ListPopularModes',
      ),
    ) as { modes: unknown };
    expect(viaGrpc.modes).toEqual([{ rank: 1, mode: 'Arena', players: '2' }]);
    const abort = new AbortController();
    const feed = client.watchPopularModes({ areaCode: '777', intervalMs: 100 }, { signal: abort.signal });
    const updates: string[][] = [];
    for await (const update of feed) {
      updates.push(update.modes.map((m) => `${m.mode}:${m.players}`));
      if (updates.length === 1) await post('/events/', { items: [{ ...items[0], multiplayer_mode: 'Duel' }] });
      if (updates.length === 2) break;
    }
    abort.abort();
    expect(updates).toEqual([['Arena:2'], ['Arena:1', 'Duel:1']]);
  });

  it('shows within a second a write that did not pass through this gateway’s routes, though the area was cached', async () => {
    const area = '888';
    expect(await (await fetch(`${gateway}/stats/?area_code=${area}`)).json()).toEqual({});
    // Past the 900 ms a shared answer lives by time alone: it is still served only because its generation stayed.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await (await fetch(`${gateway}/stats/?area_code=${area}`)).json()).toEqual({});
    const ingest = createClient(IngestService, createConnectTransport({ baseUrl: gateway, httpVersion: '1.1' }));
    const written = await ingest.ingestEvents({
      events: [{ payload: { case: 'mode', value: { userId: 'Hal', areaCode: area, mode: 'Siege', action: ModeAction.LOGIN } } }],
    });
    expect(written.accepted).toBe(1);
    const expected = { [area]: [{ count: 1, multiplayer_mode: 'Siege' }] };
    expect(await statsWithinOneSecond(area, expected)).toEqual(expected);
  });
});
