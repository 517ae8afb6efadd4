// The original mode routes (POST /events/, GET /stats/) on the real gateway HTTP server, against in-memory ingest and
// session backends (test/e2e/modes.e2e.test.ts runs them against the real services): what is forwarded, how answers
// are shaped, that one bad item refuses the whole request, and that a POST's areas are read afresh before it answers.
import { DEFAULT_GAME } from '../../shared/access/game.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import type { Event } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import {
  ListPopularModesRequest,
  ListPopularModesResponse,
  ModeAction,
  SessionServiceDefinition,
} from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { startInProcessGateway, type InProcessGateway } from '../../../test/support/gateway-harness.js';
import { activeRankingGeneration } from '../../session/ranking-generation.js';
import { timestampAt } from '../../../test/support/caller-time.js';
import type { UnaryBackend } from '../backend-call.js';
import { modeRoutes } from '../compat/mode-routes.js';
import type { EventIngest } from '../in-process-ingest.js';

const popularPath = `/${SessionServiceDefinition.fullName}/${SessionServiceDefinition.methods.listPopularModes.name}`;

/** Ingest: remembers each batch and answers every event with `outcome`. */
const ingested: Event[][] = [];
let outcome = EventOutcome.EVENT_OUTCOME_ACCEPTED;
const ingest: EventIngest = {
  ingestEvents: ({ events }) => {
    ingested.push(events);
    const results = events.map((_, index) => ({
      index,
      eventId: `e${index}`,
      outcome,
      field: '',
      reason: outcome === EventOutcome.EVENT_OUTCOME_ACCEPTED ? '' : 'not stored; retry',
    }));
    const accepted = outcome === EventOutcome.EVENT_OUTCOME_ACCEPTED ? events.length : 0;
    return Promise.resolve({ results, accepted, duplicates: 0, rejected: 0, retryable: events.length - accepted });
  },
};

/** Session: answers the ranking of each area code from `ranking` (first going idle at `firstIdle`), and counts reads. */
const ranking = new Map<string, Array<{ mode: string; players: number }>>();
const firstIdle = new Map<string, number>();
let reads = 0;
const session: UnaryBackend = {
  unary: (path, bytes) => {
    expect(path).toBe(popularPath);
    reads++;
    const { areaCode } = ListPopularModesRequest.decode(bytes);
    const modes = (ranking.get(areaCode) ?? []).map(({ mode, players }, i) => ({ rank: i + 1, mode, players }));
    const idleMs = firstIdle.get(areaCode) ?? (modes.length ? Date.now() + 3_600_000 : undefined);
    const firstIdleAt = idleMs === undefined ? undefined : timestampAt(idleMs);
    return Promise.resolve(ListPopularModesResponse.encode(ListPopularModesResponse.fromPartial({ modes, firstIdleAt })).finish());
  },
};

/** The ranking generations in Redis, as the session service renews them; `reachable` false as when Redis is down. */
const generations = {
  current: new Map<string, string>(),
  reachable: true,
  currentGenerations(names: string[]) {
    return Promise.resolve(this.reachable ? names.map((name) => this.current.get(name) ?? null) : undefined);
  },
  renew(areaCode: string) {
    this.current.set(activeRankingGeneration(DEFAULT_GAME, areaCode), String(Math.random()));
  },
};
const stopping = new AbortController();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let gateway: InProcessGateway;
let base: string;

beforeAll(async () => {
  gateway = await startInProcessGateway({
    plainRoutes: (limits) => modeRoutes({ ingest, session }, generations, limits.maxBodyBytes, stopping.signal),
  });
  base = gateway.base;
});

afterAll(() => {
  stopping.abort();
  return gateway?.close();
});

beforeEach(() => {
  ingested.length = 0;
  ranking.clear();
  firstIdle.clear();
  generations.reachable = true;
  outcome = EventOutcome.EVENT_OUTCOME_ACCEPTED;
});

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
const item = (fields: Record<string, unknown> = {}) => ({
  area_code: '111',
  multiplayer_mode: 'Modes1',
  user_id: 'User1',
  events_name: 'LOGIN',
  ...fields,
});

describe('POST /events/', () => {
  it('forwards the items in order as mode events, with and without the trailing slash', async () => {
    for (const path of ['/events/', '/events']) {
      ingested.length = 0;
      const response = await post(path, {
        items: [item({ events_name: 'login', area_code: 222 }), item({ events_name: 'LogOut', epoch_timestamp: 1796300000.25 })],
      });
      expect(await response.json()).toEqual({ status: true, accepted: 2, duplicates: 0 });
      expect(ingested).toHaveLength(1);
      const modes = ingested[0].map((event) => (event.payload?.$case === 'mode' ? event.payload.value : undefined));
      expect(modes.map((m) => [m?.areaCode, m?.mode, m?.userId, m?.action])).toEqual([
        ['222', 'Modes1', 'User1', ModeAction.MODE_ACTION_LOGIN],
        ['111', 'Modes1', 'User1', ModeAction.MODE_ACTION_LOGOUT],
      ]);
      expect(modes[1]?.ts).toMatchObject({ seconds: 1796300000, nanos: 250_000_000 });
    }
  });

  it('refuses the whole request with 422 naming the first bad item, and forwards nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ items: [item(), item({ events_name: 'JUMP' })] }, /^items\[1\]\.events_name: must be LOGIN or LOGOUT/],
      [{ items: [item({ area_code: '99' })] }, /^items\[0\]\.area_code: /],
      [{ items: [item({ multiplayer_mode: 'm'.repeat(65) })] }, /^items\[0\]\.multiplayer_mode: /],
      [{ items: [item({ user_id: '' })] }, /^items\[0\]\.user_id: /],
      [{ items: [] }, /^items: must hold 1 to 500 events/],
      ['not json', /^body: must be JSON/],
    ];
    for (const [body, detail] of cases) {
      const response = await post('/events/', body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
    }
    expect(ingested).toHaveLength(0);
  });

  it('answers 503 when ingest could not store the events, so the caller retries', async () => {
    outcome = EventOutcome.EVENT_OUTCOME_RETRYABLE;
    const response = await post('/events/', { items: [item()] });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/retry/);
  });
});

describe('GET /stats/', () => {
  it('lists the ranking of the area code as the original did, and {} when nobody is active', async () => {
    ranking.set('333', [
      { mode: 'Modes2', players: 3 },
      { mode: 'Modes1', players: 1 },
    ]);
    expect(await (await fetch(`${base}/stats/?area_code=333`)).json()).toEqual({
      '333': [
        { count: 3, multiplayer_mode: 'Modes2' },
        { count: 1, multiplayer_mode: 'Modes1' },
      ],
    });
    expect(await (await fetch(`${base}/stats?area_code=444`)).json()).toEqual({});
    for (const query of ['', '?area_code=abc', '?area_code=1000']) {
      expect((await fetch(`${base}/stats/${query}`)).status, query).toBe(422);
    }
  });

  it('shows a POST’s change at once: the areas it touched are read afresh, and the next GET waits for that read', async () => {
    ranking.set('555', []);
    expect(await (await fetch(`${base}/stats/?area_code=555`)).json()).toEqual({});
    ranking.set('555', [{ mode: 'Modes1', players: 1 }]);
    const readsBefore = reads;
    await post('/events/', { items: [item({ area_code: '555' }), item({ area_code: '555', user_id: 'User2' })] });
    expect(await (await fetch(`${base}/stats/?area_code=555`)).json()).toEqual({ '555': [{ count: 1, multiplayer_mode: 'Modes1' }] });
    expect(reads).toBe(readsBefore + 1);
  });

  const stats = async (areaCode: string) => (await fetch(`${base}/stats/?area_code=${areaCode}`)).json();

  it('keeps an answer while its area’s generation stays, and reads the area again once the generation is renewed', async () => {
    ranking.set('666', [{ mode: 'Modes1', players: 1 }]);
    const readsBefore = reads;
    expect(await stats('666')).toEqual({ '666': [{ count: 1, multiplayer_mode: 'Modes1' }] });
    ranking.set('666', [{ mode: 'Modes1', players: 2 }]);
    // Past the 900 ms an answer lives unconfirmed: the unchanged generation kept it, with no read.
    await sleep(1200);
    expect(await stats('666')).toEqual({ '666': [{ count: 1, multiplayer_mode: 'Modes1' }] });
    expect(reads).toBe(readsBefore + 1);
    generations.renew('666');
    await sleep(1000);
    expect(await stats('666')).toEqual({ '666': [{ count: 2, multiplayer_mode: 'Modes1' }] });
  });

  it('reads an area again once its first active user has gone idle, whatever its generation', async () => {
    ranking.set('667', [{ mode: 'Modes1', players: 1 }]);
    firstIdle.set('667', Date.now() + 200);
    expect(await stats('667')).toEqual({ '667': [{ count: 1, multiplayer_mode: 'Modes1' }] });
    ranking.set('667', []);
    await sleep(1500);
    expect(await stats('667')).toEqual({});
  });

  it('lets answers age by time alone while Redis cannot say which are current', async () => {
    generations.reachable = false;
    ranking.set('668', [{ mode: 'Modes1', players: 1 }]);
    expect(await stats('668')).toEqual({ '668': [{ count: 1, multiplayer_mode: 'Modes1' }] });
    ranking.set('668', [{ mode: 'Modes1', players: 2 }]);
    await sleep(1000);
    expect(await stats('668')).toEqual({ '668': [{ count: 2, multiplayer_mode: 'Modes1' }] });
  });
});
