// Erasing a player (GDPR / CCPA) as an operator does it, through AccessService/DeletePlayerData and `npm run erase`:
// every answer of every job is compared, before and after, with an oracle computed here from the events sent
// (without the erased player afterwards, their Connect-4 games under the anonymous id the erasure reports). Answers
// were read before erasing, so that a cached answer still counting the player would show. The same player id in
// another game is untouched; the Connect-4 audit finds the kept aggregates equal to the stored games; the caller's
// key is checked like any admin call's.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../scripts/launcher.js';
import { connect4Audit } from '../support/connect4-audit.js';
import { Connect4Oracle } from '../support/connect4-oracle.js';
import { realGamesCsv, realPlayersCsv } from '../support/shared-data.js';
import { runNodeScript } from '../support/node-script.js';
import { startIsolatedStack } from '../support/stack.js';

let stack: RunningStack & { keyspace: string };
let gateway: string;

const HOUR_MS = 3_600_000;
const startedMs = Date.now();
/** A minute into the hour two hours back: a closed hour, whose counts are cached for a day. */
const closedMs = Math.floor(startedMs / HOUR_MS) * HOUR_MS - 2 * HOUR_MS + 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const GAMES_IMPORTED = 400;
const gameLines = readFileSync(realGamesCsv(), 'utf8').trim().split('\n');
const gameIds = [...new Set(gameLines.slice(1).map((line) => line.split(',')[0]))].slice(0, GAMES_IMPORTED);
const importedIds = new Set(gameIds);
const gamesCsv = [gameLines[0], ...gameLines.slice(1).filter((line) => importedIds.has(line.split(',')[0]))].join('\n') + '\n';
const playersCsv = readFileSync(realPlayersCsv(), 'utf8');

type Json = Record<string, unknown>;

async function rpc(path: string, body: Json, key?: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${gateway}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function ok(path: string, body: Json, key?: string): Promise<Json> {
  const { status, body: answer } = await rpc(path, body, key);
  expect(status, `${path}: ${JSON.stringify(answer)}`).toBe(200);
  return answer;
}

async function createKey(game: string, scopes: string[]): Promise<string> {
  return (await ok('gamepulse.access.v1.AccessService/CreateKey', { game, scopes, label: 'erasure e2e' })).secret as string;
}

async function ingest(events: Json[], key?: string): Promise<void> {
  const { results } = (await ok('gamepulse.ingest.v1.IngestService/IngestEvents', { events }, key)) as {
    results: Array<{ outcome: string }>;
  };
  expect(results.map((result) => result.outcome)).toEqual(events.map(() => 'EVENT_OUTCOME_ACCEPTED'));
}

/** The events of one player in every job but Connect-4, with what the oracle needs to know of them. */
interface Activity {
  player: string;
  sessions: Array<{ id: string; country: string; startMs: number; endMs?: number }>;
  modes: Array<{ area: string; mode: string }>;
  engagements: Array<{ kind: 'click' | 'impression'; ms: number }>;
  reactions: number;
}

const eventsOf = (activity: Activity): Json[] => [
  ...activity.sessions.flatMap((session) => [
    { sessionStart: { playerId: activity.player, sessionId: session.id, country: session.country, ts: iso(session.startMs) } },
    ...(session.endMs ? [{ sessionEnd: { playerId: activity.player, sessionId: session.id, ts: iso(session.endMs) } }] : []),
  ]),
  ...activity.modes.map((place) => ({
    mode: { userId: activity.player, areaCode: place.area, mode: place.mode, action: 'MODE_ACTION_LOGIN', ts: iso(startedMs - 5000) },
  })),
  ...activity.engagements.map((engagement) => ({
    eventId: randomUUID(),
    engagement: { user: activity.player, kind: `ENGAGEMENT_KIND_${engagement.kind.toUpperCase()}`, ts: iso(engagement.ms) },
  })),
  ...Array.from({ length: activity.reactions }, () => ({
    eventId: randomUUID(),
    reaction: { userId: activity.player, matchId: MATCH, emoticon: 'EMOTICON_HEART', ts: iso(startedMs - 1000) },
  })),
];

const MATCH = `final-${randomUUID()}`;
const AREA = 'E1';

/** What the session, mode and engagement queries must answer for the players whose activity is kept. */
function oracle(activities: Activity[]) {
  const starts = new Map<string, number>();
  for (const session of activities.flatMap((activity) => activity.sessions)) {
    starts.set(session.country, (starts.get(session.country) ?? 0) + 1);
  }
  const players = new Map<string, number>();
  for (const place of activities.flatMap((activity) => activity.modes)) players.set(place.mode, (players.get(place.mode) ?? 0) + 1);
  const hour = (ms: number) => {
    const inHour = activities.map((activity) => ({
      player: activity.player,
      engagements: activity.engagements.filter((engagement) => Math.floor(engagement.ms / HOUR_MS) === Math.floor(ms / HOUR_MS)),
    }));
    const count = (kind: string) => inHour.flatMap((entry) => entry.engagements).filter((engagement) => engagement.kind === kind).length;
    return {
      uniqueUsers: inHour.filter((entry) => entry.engagements.length > 0).length,
      clicks: count('click'),
      impressions: count('impression'),
    };
  };
  return {
    starts: Object.fromEntries([...starts].sort()),
    completed: (player: string) =>
      activities
        .filter((activity) => activity.player === player)
        .flatMap((activity) => activity.sessions.filter((session) => session.endMs).map((session) => session.id))
        .sort(),
    modes: Object.fromEntries([...players].sort()),
    closedHour: hour(closedMs),
    currentHour: hour(startedMs - 1000),
    reactions: activities.reduce((sum, activity) => sum + activity.reactions, 0),
  };
}

/** Every answer of the jobs but Connect-4, in the oracle's shape. */
async function answers(players: string[], key?: string) {
  const counts = (await ok('gamepulse.session.v1.SessionService/CountSessionStarts', { hours: 24 }, key)) as {
    countries?: Array<{ country: string; starts: string }>;
  };
  const completed = Object.fromEntries(
    await Promise.all(
      players.map(async (player) => {
        const answer = (await ok('gamepulse.session.v1.SessionService/ListCompletedSessions', { playerId: player }, key)) as {
          sessions?: Array<{ sessionId: string }>;
        };
        return [player, (answer.sessions ?? []).map((session) => session.sessionId).sort()];
      }),
    ),
  );
  const modes = (await ok('gamepulse.session.v1.SessionService/ListPopularModes', { areaCode: AREA }, key)) as {
    modes?: Array<{ mode: string; players: string }>;
  };
  const hour = async (ms: number) => {
    const answer = (await ok('gamepulse.reaction.v1.ReactionService/GetHourlyEngagement', { timestamp: iso(ms) }, key)) as Record<
      string,
      string | undefined
    >;
    return {
      uniqueUsers: Number(answer.uniqueUsers ?? 0),
      clicks: Number(answer.clicks ?? 0),
      impressions: Number(answer.impressions ?? 0),
    };
  };
  const reactions = (await ok('gamepulse.reaction.v1.ReactionService/GetMatchReactions', { matchId: MATCH }, key)) as {
    summary?: { total?: string };
  };
  return {
    starts: Object.fromEntries((counts.countries ?? []).map((entry) => [entry.country, Number(entry.starts)]).sort()),
    completed,
    modes: Object.fromEntries((modes.modes ?? []).map((entry) => [entry.mode, Number(entry.players)]).sort()),
    closedHour: await hour(closedMs),
    currentHour: await hour(startedMs - 1000),
    reactions: Number(reactions.summary?.total ?? 0),
  };
}

const expectedAnswers = (activities: Activity[], players: string[]) => {
  const expected = oracle(activities);
  return { ...expected, completed: Object.fromEntries(players.map((player) => [player, expected.completed(player)])) };
};

const session = (country: string, startMs: number, endMs?: number) => ({ id: randomUUID(), country, startMs, endMs });

/** Connect-4 players of the imported games: one with several games and a profile, one with a single game. */
const connect4 = Connect4Oracle.fromFiles(realGamesCsv(), realPlayersCsv());
for (const id of [...connect4.games.keys()]) if (!importedIds.has(id)) connect4.games.delete(id);
const gamesOf = (player: string) => [...connect4.games.values()].filter((game) => game.first === player || game.second === player);
const players = [...new Set([...connect4.games.values()].flatMap((game) => [game.first, game.second]))].sort();
const regular = players.find((player) => gamesOf(player).length >= 3 && connect4.profiles.get(player)?.nationality)!;
const oneTimer = players.find((player) => gamesOf(player).length === 1 && connect4.profiles.get(player)?.nationality)!;
const profileOnly = [...connect4.profiles.keys()].find((player) => gamesOf(player).length === 0)!;

const erased: Activity = {
  player: regular,
  sessions: [session('FR', closedMs, closedMs + 600_000), session('DE', startedMs - 60_000)],
  modes: [{ area: AREA, mode: 'duel' }],
  engagements: [
    { kind: 'click', ms: closedMs },
    { kind: 'click', ms: closedMs + 1000 },
    { kind: 'impression', ms: startedMs - 2000 },
  ],
  reactions: 2,
};
const kept: Activity[] = [
  {
    player: `quinn-${randomUUID().slice(0, 8)}`,
    sessions: [session('FR', closedMs + 5000, closedMs + 900_000), session('FR', startedMs - 30_000)],
    modes: [{ area: AREA, mode: 'squad' }],
    engagements: [
      { kind: 'click', ms: closedMs + 2000 },
      { kind: 'impression', ms: closedMs + 3000 },
      { kind: 'click', ms: startedMs - 3000 },
    ],
    reactions: 1,
  },
  {
    player: `rosa-${randomUUID().slice(0, 8)}`,
    sessions: [session('US', closedMs + 7000)],
    modes: [{ area: AREA, mode: 'duel' }],
    engagements: [{ kind: 'impression', ms: startedMs - 4000 }],
    reactions: 0,
  },
];
const everyone = [erased, ...kept];
const playerIds = everyone.map((activity) => activity.player);
/** Sent as another game's, under the same player id as the erased player's. */
const otherGame: Activity = { ...erased, sessions: [session('IT', closedMs + 9000, closedMs + 99_000)], reactions: 1 };
let otherGameKey: string;

beforeAll(async () => {
  stack = await startIsolatedStack('erasure_e2e');
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
  const players = await fetch(`${gateway}/connect4/players`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: playersCsv });
  expect(players.status).toBe(200);
  const games = await fetch(`${gateway}/connect4/games`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: gamesCsv });
  expect(await games.json()).toMatchObject({ games: { stored: GAMES_IMPORTED, rejected: 0 } });
  await ingest(everyone.flatMap(eventsOf));
  otherGameKey = await createKey('other', ['SCOPE_INGEST', 'SCOPE_READ', 'SCOPE_ADMIN']);
  await ingest(eventsOf(otherGame), otherGameKey);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const rounded = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' ? Math.round(item * 1e12) / 1e12 : item))) as unknown;

/** The original routes' answers, read after the gateway's copies in memory (kept up to 900 ms) have expired. */
async function connect4Answers() {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const get = async (path: string) => (await fetch(`${gateway}${path}`)).json() as Promise<Json>;
  return {
    columns: rounded(await get('/connect4/first-move-columns')),
    nationalities: (await get('/connect4/games-by-nationality')).nationalities,
    single: (await get('/connect4/single-game-players?page_size=1000')).players,
  };
}

const connect4Expected = (oracle: Connect4Oracle) => ({
  columns: rounded(oracle.firstMoveColumns()),
  nationalities: oracle.gamesByNationality(),
  single: oracle.singleGamePlayers(),
});

/** The oracle's Connect-4 after an erasure: the player's profile gone, their games under `anonymousId`. */
function erasedFromOracle(player: string, anonymousId: string): void {
  connect4.profiles.delete(player);
  for (const game of connect4.games.values()) {
    if (game.first === player) game.first = anonymousId;
    if (game.second === player) game.second = anonymousId;
    if (game.winner === player) game.winner = anonymousId;
  }
}

const rowsOf = (answer: Json) =>
  Object.fromEntries(
    (answer.erased as Array<{ table: string; removed?: string; anonymised?: string }>).map((row) => [
      row.table,
      { removed: Number(row.removed ?? 0), anonymised: Number(row.anonymised ?? 0) },
    ]),
  );

describe('DeletePlayerData', () => {
  it('answers as the oracle computes before erasing (and so holds the answers in the caches)', async () => {
    expect(await answers(playerIds)).toEqual(expectedAnswers(everyone, playerIds));
    expect(await connect4Answers()).toEqual(connect4Expected(connect4));
  });

  it('refuses a key of another game, a key without the admin scope and a malformed player id, erasing nothing', async () => {
    const refused = await rpc('gamepulse.access.v1.AccessService/DeletePlayerData', { game: 'local', playerId: regular }, otherGameKey);
    expect(refused.status).toBe(403);
    const reader = await createKey('local', ['SCOPE_READ', 'SCOPE_INGEST']);
    expect((await rpc('gamepulse.access.v1.AccessService/DeletePlayerData', { playerId: regular }, reader)).status).toBe(403);
    for (const playerId of ['', 'p'.repeat(257)]) {
      const bad = await rpc('gamepulse.access.v1.AccessService/DeletePlayerData', { game: 'local', playerId });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/^player_id: /);
    }
    expect(await answers(playerIds)).toEqual(expectedAnswers(everyone, playerIds));
  });

  it("removes a player from every job, says what each table lost, and every answer is the oracle's without them", async () => {
    const admin = await createKey('local', ['SCOPE_ADMIN']);
    const answer = await ok('gamepulse.access.v1.AccessService/DeletePlayerData', { playerId: regular }, admin);
    const anonymousId = answer.connect4AnonymousId as string;
    expect(anonymousId).toMatch(/^erased-/);
    const games = gamesOf(regular).length;
    expect(rowsOf(answer)).toEqual({
      game_session_parts_by_player: { removed: 2, anonymised: 0 },
      game_completed_sessions_by_player: { removed: 1, anonymised: 0 },
      game_session_starts_by_country_hour: { removed: 2, anonymised: 0 },
      game_session_starts_by_hour: { removed: 2, anonymised: 0 },
      game_mode_events_by_user_day: { removed: 1, anonymised: 0 },
      game_mode_logins_by_area_hour: { removed: 1, anonymised: 0 },
      game_mode_active_users_by_area: { removed: 1, anonymised: 0 },
      game_engagements_by_hour: { removed: 3, anonymised: 0 },
      game_engaged_users_by_hour: { removed: 2, anonymised: 0 },
      game_players_by_id: { removed: 1, anonymised: 0 },
      game_games_by_bucket: { removed: 0, anonymised: games },
      game_games_by_player: { removed: 0, anonymised: 2 * games },
      game_single_game_players: { removed: 0, anonymised: 0 },
    });
    // Reactions are stored without their user: the match keeps every reaction, nobody's.
    const withoutThem = [...kept, { ...erased, sessions: [], modes: [], engagements: [] }];
    expect(await answers(playerIds)).toEqual(expectedAnswers(withoutThem, playerIds));
    erasedFromOracle(regular, anonymousId);
    expect(await connect4Answers()).toEqual(connect4Expected(connect4));
  });

  it('keeps a one-game player listed under the anonymous id, without their profile', async () => {
    const answer = await ok('gamepulse.access.v1.AccessService/DeletePlayerData', { game: 'local', playerId: oneTimer });
    const anonymousId = answer.connect4AnonymousId as string;
    expect(rowsOf(answer)).toMatchObject({
      game_players_by_id: { removed: 1 },
      game_games_by_bucket: { anonymised: 1 },
      game_single_game_players: { anonymised: 1 },
    });
    erasedFromOracle(oneTimer, anonymousId);
    const after = await connect4Answers();
    expect(after).toEqual(connect4Expected(connect4));
    expect(after.single).toContainEqual(expect.objectContaining({ player_id: anonymousId, name: '', email: '', nationality: '' }));
    expect((after.single as Array<{ player_id: string }>).map((player) => player.player_id)).not.toContain(oneTimer);
  });

  it('removes the profile of a player without games, and keeps nothing under an anonymous id', async () => {
    const answer = await ok('gamepulse.access.v1.AccessService/DeletePlayerData', { game: 'local', playerId: profileOnly });
    expect(answer.connect4AnonymousId ?? '').toBe('');
    expect(rowsOf(answer)).toMatchObject({ game_players_by_id: { removed: 1 }, game_games_by_bucket: { anonymised: 0 } });
    connect4.profiles.delete(profileOnly);
    expect(await connect4Answers()).toEqual(connect4Expected(connect4));
  });

  it('leaves kept aggregates equal to the stored games (the Connect-4 audit finds no difference)', { timeout: 60_000 }, async () => {
    expect(await connect4Audit(stack.keyspace)).toMatchObject({ games: GAMES_IMPORTED, totals: [], singleGamePlayers: [] });
  });

  it(
    'answers an owner that does not answer with DEADLINE_EXCEEDED, and erasing again once it is back finishes',
    { timeout: 60_000 },
    async () => {
      const player = `stalled-${randomUUID().slice(0, 8)}`;
      await ingest([{ sessionStart: { playerId: player, sessionId: randomUUID(), country: 'SE', ts: iso(startedMs - 5000) } }]);
      const games = stack.processes.games;
      games.signal('SIGSTOP');
      try {
        const response = await fetch(`${gateway}/gamepulse.access.v1.AccessService/DeletePlayerData`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'connect-timeout-ms': '3000' },
          body: JSON.stringify({ game: 'local', playerId: player }),
        });
        expect(response.status).toBe(504);
        expect(((await response.json()) as { code: string }).code).toBe('deadline_exceeded');
      } finally {
        games.signal('SIGCONT');
      }
      const again = rowsOf(await ok('gamepulse.access.v1.AccessService/DeletePlayerData', { game: 'local', playerId: player }));
      // The session service had done its part the first time: nothing of theirs is left, and no error now.
      expect(again.game_session_parts_by_player.removed).toBe(0);
      const { sessions } = (await ok('gamepulse.session.v1.SessionService/ListCompletedSessions', { playerId: player })) as {
        sessions?: unknown[];
      };
      expect(sessions ?? []).toEqual([]);
    },
  );

  it('erases nothing more the second time', async () => {
    const again = rowsOf(await ok('gamepulse.access.v1.AccessService/DeletePlayerData', { game: 'local', playerId: regular }));
    expect(Object.values(again).every((row) => row.removed === 0 && row.anonymised === 0)).toBe(true);
  });

  it('leaves the same player id of another game as it was', async () => {
    const otherAnswers = await answers([regular], otherGameKey);
    expect(otherAnswers).toEqual(expectedAnswers([otherGame], [regular]));
  });
});

describe('npm run erase', () => {
  it('erases a player through the gateway and prints what was removed', { timeout: 60_000 }, async () => {
    const [rosa] = kept.slice(1);
    const output = await runNodeScript('dist/scripts/erase.js', { args: ['--player', rosa.player, '--gateway', gateway] });
    expect(output.code, output.out).toBe(0);
    expect(output.out).toMatch(/game_session_parts_by_player\s+removed\s+1 /);
    expect(output.out).toMatch(/done in [\d.]+ s: 8 rows removed, 0 anonymised/);
    const remaining = [
      kept[0],
      { ...erased, sessions: [], modes: [], engagements: [] },
      { ...rosa, sessions: [], modes: [], engagements: [] },
    ];
    expect(await answers(playerIds)).toEqual(expectedAnswers(remaining, playerIds));
  });
});
