// Connect-4 analytics as a user meets it: the real 98point6 files imported over HTTP into the stack's processes,
// every answer compared with an oracle computed here from the same CSV; re-imports, conflicts, bad games and bodies,
// a player crossing from one game to two, a later profile filling in name and e-mail; the first-move answer also
// over Connect JSON and over gRPC with grpcurl (reflection).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../scripts/launcher.js';
import { Connect4Oracle } from '../support/connect4-oracle.js';
import { MAX_PLAYERS_JSON_BYTES } from '../../services/gateway/compat/connect4-routes.js';
import { grpcurl } from '../support/grpcurl.js';
import { closedByServer, openSocket } from '../support/raw-http.js';
import { realGamesCsv, realPlayersCsv } from '../support/shared-data.js';
import { startIsolatedStack } from '../support/stack.js';

let stack: RunningStack;
let gateway: string;
const oracle = Connect4Oracle.fromFiles(realGamesCsv(), realPlayersCsv());
const HEADER = 'game_id,player_id,move_number,column,result\n';

beforeAll(async () => {
  stack = await startIsolatedStack('connect4_e2e');
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const postCsv = (path: string, body: string | Buffer, type = 'text/csv') =>
  fetch(`${gateway}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
const getJson = async (path: string) => {
  const response = await fetch(`${gateway}${path}`);
  expect(response.status, path).toBe(200);
  return response.json();
};
/** Floats compared to 12 digits: the oracle divides in another order. */
const rounded = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' ? Math.round(item * 1e12) / 1e12 : item))) as unknown;

/** A win for `a` in column 1 (a: 1,1,1,1; b: 2,2,2). */
const columnWin = (id: string, a: string, b: string, column = 1) =>
  [1, 2, 3, 4, 5, 6, 7]
    .map((move) => `${id},${move % 2 ? a : b},${move},${move % 2 ? column : (column % 4) + 1},${move === 7 ? 'win' : ''}`)
    .join('\n');

describe('the real files over HTTP', () => {
  it('imports 5,000 players and 10,000 games, all accepted', { timeout: 120_000 }, async () => {
    const players = await postCsv('/connect4/players', readFileSync(realPlayersCsv()));
    expect(await players.json()).toEqual({ players: { stored: 5000, duplicate: 0, rejected: 0 }, rejections: [] });
    const games = await postCsv('/connect4/games', readFileSync(realGamesCsv()));
    expect(await games.json()).toEqual({ games: { stored: 10_000, duplicate: 0, rejected: 0 }, rejections: [] });
  });

  it('answers the three questions as the oracle computes them from the CSV', async () => {
    expect(rounded(await getJson('/connect4/first-move-columns'))).toEqual(rounded(oracle.firstMoveColumns()));
    expect(await getJson('/connect4/games-by-nationality')).toEqual({ nationalities: oracle.gamesByNationality() });
    const expected = oracle.singleGamePlayers();
    const listed: unknown[] = [];
    let token = '';
    do {
      const page = (await getJson(`/connect4/single-game-players?page_size=150${token ? `&page_token=${token}` : ''}`)) as {
        players: unknown[];
        next_page_token: string;
      };
      listed.push(...page.players);
      token = page.next_page_token;
    } while (token);
    expect(listed).toEqual(expected);
    const wins = (await getJson('/connect4/single-game-players?outcome=win&page_size=1000')) as { players: Array<{ outcome: string }> };
    expect(wins.players).toEqual(expected.filter((player) => player.outcome === 'win'));
    const csv = await (await fetch(`${gateway}/connect4/single-game-players?format=csv`)).text();
    const header = 'player_id,email,name,nationality,outcome,game_id';
    expect(csv).toBe(
      [header, ...expected.map((p) => [p.player_id, p.email, p.name, p.nationality, p.outcome, p.game_id].join(','))].join('\n') + '\n',
    );
  });

  it('reads the same first-move answer over Connect JSON and over gRPC (grpcurl)', async () => {
    const connect = await fetch(`${gateway}/gamepulse.games.v1.GamesService/GetFirstMoveStats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const answer = (await connect.json()) as { columns: Array<{ column: number; games: string }>; bestColumn: number };
    const expected = oracle.firstMoveColumns();
    expect(answer.bestColumn).toBe(expected.best_column);
    expect(answer.columns.map((column) => [column.column, Number(column.games)])).toEqual(expected.columns.map((c) => [c.column, c.games]));
    const viaGrpc = JSON.parse(
      await grpcurl(`127.0.0.1:${stack.ports.games}`, 'gamepulse.games.v1.GamesService/GetFirstMoveStats'),
    ) as typeof answer;
    expect(viaGrpc.columns.map((column) => Number(column.games))).toEqual(expected.columns.map((c) => c.games));
  });

  it('reports the whole file again as duplicates, changing nothing', async () => {
    const again = await postCsv('/connect4/games', readFileSync(realGamesCsv()));
    expect(await again.json()).toEqual({ games: { stored: 0, duplicate: 10_000, rejected: 0 }, rejections: [] });
    expect(await getJson('/connect4/games-by-nationality')).toEqual({ nationalities: oracle.gamesByNationality() });
  });
});

describe('games and players of our own', () => {
  it('rejects bad games with the line and the rule, stores the good ones of the same upload, and refuses conflicts', async () => {
    const body =
      HEADER +
      [
        columnWin('e2e-good', 'e2e-a', 'e2e-b'),
        columnWin('e2e-gap', 'e2e-a', 'e2e-b')
          .split('\n')
          .filter((row) => !row.includes(',3,'))
          .join('\n'),
        columnWin('e2e-off', 'e2e-a', 'e2e-b', 5),
        'e2e-bad,e2e-a,x,1,',
        // Game 0 of the real file with other moves: a conflict.
        columnWin('0', 'e2e-a', 'e2e-b'),
      ].join('\n');
    const answer = (await (await postCsv('/connect4/games', body)).json()) as {
      games: unknown;
      rejections: Array<{ game_id: string; line: number; reason: string }>;
    };
    expect(answer.games).toEqual({ stored: 1, duplicate: 0, rejected: 4 });
    const byId = Object.fromEntries(answer.rejections.map((rejection) => [rejection.game_id, rejection]));
    expect(byId['e2e-gap']).toMatchObject({ reason: expect.stringMatching(/^move_number: move 3 is missing/) });
    expect(byId['e2e-off']).toMatchObject({ line: 15, reason: 'column: must be 1 to 4, got 5' });
    expect(byId['e2e-bad']).toMatchObject({ line: 22, reason: expect.stringMatching(/^move_number: must be a whole number/) });
    expect(byId['0']).toMatchObject({ reason: expect.stringMatching(/conflicting game/) });
  });

  it('moves a player out of the single-game list on their second game, and fills in a later profile', async () => {
    await postCsv('/connect4/games', HEADER + columnWin('e2e-cross-1', 'e2e-solo', 'e2e-rival'));
    const listed = async () =>
      ((await getJson('/connect4/single-game-players?page_size=1000&page_token=')) as { players: Array<{ player_id: string }> }).players;
    expect((await listed()).some((player) => player.player_id === 'e2e-solo')).toBe(true);
    const before = (await getJson('/connect4/games-by-nationality')) as { nationalities: Array<{ nationality: string; games: number }> };
    const profile = [
      { id: 'e2e-solo', data: { nat: 'IE', email: 'solo@example.com', name: { title: 'ms', first: 'Solo', last: 'Player' } } },
    ];
    const imported = await postCsv('/connect4/players', JSON.stringify(profile), 'application/json');
    expect(await imported.json()).toEqual({ players: { stored: 1, duplicate: 0, rejected: 0 }, rejections: [] });
    const all = [];
    let token = '';
    do {
      const page = (await getJson(`/connect4/single-game-players?page_size=1000${token ? `&page_token=${token}` : ''}`)) as {
        players: Array<Record<string, string>>;
        next_page_token: string;
      };
      all.push(...page.players);
      token = page.next_page_token;
    } while (token);
    expect(all.find((player) => player.player_id === 'e2e-solo')).toEqual({
      player_id: 'e2e-solo',
      name: 'Solo Player',
      email: 'solo@example.com',
      nationality: 'IE',
      game_id: 'e2e-cross-1',
      outcome: 'win',
    });
    const after = (await getJson('/connect4/games-by-nationality')) as typeof before;
    const gamesOf = (answer: typeof before, nationality: string) =>
      answer.nationalities.find((entry) => entry.nationality === nationality)?.games ?? 0;
    expect(gamesOf(after, 'IE')).toBe(gamesOf(before, 'IE') + 1);
    expect(gamesOf(after, 'unknown')).toBe(gamesOf(before, 'unknown'));

    await postCsv('/connect4/games', HEADER + columnWin('e2e-cross-2', 'e2e-other', 'e2e-solo'));
    expect((await listed()).some((player) => player.player_id === 'e2e-solo')).toBe(false);
  });

  it('refuses bodies without the header (400), of another type (415), and bad query parameters (400)', async () => {
    const noHeader = await postCsv('/connect4/games', '1,2,1,1,\n');
    expect(noHeader.status).toBe(400);
    expect(((await noHeader.json()) as { error: string }).error).toMatch(
      /first line must be the header game_id,player_id,move_number,column,result/,
    );
    expect((await postCsv('/connect4/games', '{}', 'application/json')).status).toBe(415);
    expect((await postCsv('/connect4/players', 'id,nat\n1,IE\n')).status).toBe(400);
    expect((await postCsv('/connect4/players', '{"id":1}', 'application/json')).status).toBe(400);
    expect((await fetch(`${gateway}/connect4/single-game-players?outcome=lost`)).status).toBe(400);
    expect((await fetch(`${gateway}/connect4/single-game-players?page_token=forged`)).status).toBe(400);
  });
});

describe('oversized bodies and a games service that is down', () => {
  it('refuses a players JSON body declared larger than its cap with 413, before reading it', async () => {
    const socket = await openSocket(stack.ports.gateway);
    socket.write(
      `POST /connect4/players HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${MAX_PLAYERS_JSON_BYTES + 1}\r\n\r\n[`,
    );
    const closed = await closedByServer(socket, 10_000);
    expect(closed.received).toMatch(/^HTTP\/1\.1 413/);
    expect(closed.received).toContain(`body: larger than ${MAX_PLAYERS_JSON_BYTES} bytes`);
  });

  it('answers 503 with Retry-After on every route while the games service is down', { timeout: 60_000 }, async () => {
    await stack.processes.games.stop();
    for (const path of ['/connect4/first-move-columns', '/connect4/games-by-nationality', '/connect4/single-game-players?page_size=7']) {
      const response = await fetch(`${gateway}${path}`);
      expect(response.status, path).toBe(503);
      expect(response.headers.get('retry-after'), path).toBe('1');
    }
    // The upload tries each batch five times (about 7.5 s) before giving up.
    const upload = await postCsv('/connect4/games', HEADER + columnWin('e2e-down', 'e2e-a', 'e2e-b'));
    expect(upload.status).toBe(503);
    expect(upload.headers.get('retry-after')).toBe('1');
  });
});
