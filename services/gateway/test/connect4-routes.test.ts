// The Connect-4 routes on the real gateway HTTP server, against an in-memory games service
// (test/e2e/connect4.e2e.test.ts runs them against the real one with the original data): how the questions are
// asked and answered, the single-game list as JSON pages and as one CSV, bad queries refused before any backend
// call, and an import dropping the shared answers so its caller reads its own import.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GamesServiceDefinition,
  GetFirstMoveStatsResponse,
  ImportGamesRequest,
  ImportGamesResponse,
  ListSingleGamePlayersRequest,
  ListSingleGamePlayersResponse,
  PlayerOutcome,
} from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import { startInProcessGateway, type InProcessGateway } from '../../../test/support/gateway-harness.js';
import type { UnaryBackend } from '../backend-call.js';
import { connect4Routes } from '../compat/connect4-routes.js';

const { methods } = GamesServiceDefinition;
const methodPath = (name: string) => `/${GamesServiceDefinition.fullName}/${name}`;
const single = (playerId: string, name: string, gameId: string, outcome: PlayerOutcome) => ({
  player: { playerId, name, email: `${playerId}@example.com`, nationality: 'FI' },
  gameId,
  outcome,
});

/** The single-game players, served in pages of `pageSize` with the index of the next one as its token. */
let singles: ReturnType<typeof single>[] = [];
/** Wins of column 1's first movers; changes between reads show whether an answer was read afresh. */
let column1Wins = 0;
const calls: Array<{ method: string; request: Record<string, unknown> }> = [];
const games: UnaryBackend = {
  unary: (path, bytes) => {
    if (path === methodPath(methods.listSingleGamePlayers.name)) {
      const request = ListSingleGamePlayersRequest.decode(bytes);
      calls.push({ method: 'listSingleGamePlayers', request: { ...request } });
      const from = Number(request.pageToken || 0);
      const size = request.pageSize || 2;
      const page = singles.filter((s) => !request.outcome || s.outcome === request.outcome).slice(from, from + size);
      const nextPageToken = from + size < singles.length ? String(from + size) : '';
      return Promise.resolve(
        ListSingleGamePlayersResponse.encode(ListSingleGamePlayersResponse.fromPartial({ players: page, nextPageToken })).finish(),
      );
    }
    if (path === methodPath(methods.getFirstMoveStats.name)) {
      calls.push({ method: 'getFirstMoveStats', request: {} });
      const answer = GetFirstMoveStatsResponse.fromPartial({
        columns: [
          {
            column: 1,
            games: 10,
            firstPlayerWins: column1Wins,
            firstPlayerLosses: 3,
            draws: 1,
            winRate: 0.6,
            percentileRank: 100,
          },
        ],
        bestColumn: 1,
      });
      return Promise.resolve(GetFirstMoveStatsResponse.encode(answer).finish());
    }
    if (path === methodPath(methods.importGames.name)) {
      const request = ImportGamesRequest.decode(bytes);
      calls.push({ method: 'importGames', request: { games: request.games.map((game) => game.gameId) } });
      const results = request.games.map((game) => ({ id: game.gameId, stored: true }));
      return Promise.resolve(ImportGamesResponse.encode(ImportGamesResponse.fromPartial({ results })).finish());
    }
    return Promise.reject(new Error(`unexpected call ${path}`));
  },
};

let gateway: InProcessGateway;
let base: string;

beforeAll(async () => {
  gateway = await startInProcessGateway({ plainRoutes: () => connect4Routes({ games }) });
  base = gateway.base;
});

afterAll(() => gateway?.close());

beforeEach(() => {
  calls.length = 0;
  singles = [];
  column1Wins = 6;
});

describe('GET /connect4/single-game-players', () => {
  it('answers a JSON page with the query forwarded, and its next page token', async () => {
    singles = [
      single('1', 'Ann', 'g1', PlayerOutcome.PLAYER_OUTCOME_WON),
      single('2', 'Bo', 'g2', PlayerOutcome.PLAYER_OUTCOME_LOST),
      single('3', 'Cy', 'g3', PlayerOutcome.PLAYER_OUTCOME_WON),
    ];
    const answer = (await (await fetch(`${base}/connect4/single-game-players?outcome=WIN&page_size=1`)).json()) as Record<string, unknown>;
    expect(answer).toEqual({
      players: [{ player_id: '1', name: 'Ann', email: '1@example.com', nationality: 'FI', game_id: 'g1', outcome: 'win' }],
      next_page_token: '1',
    });
    expect(calls).toEqual([
      {
        method: 'listSingleGamePlayers',
        request: expect.objectContaining({ pageSize: 1, pageToken: '', outcome: PlayerOutcome.PLAYER_OUTCOME_WON }),
      },
    ]);
  });

  it('streams the whole list as one CSV, page after page, quoting fields as RFC 4180 says', async () => {
    singles = Array.from({ length: 1500 }, (_, i) =>
      single(String(i), i === 7 ? 'Doe, "J"' : `P${i}`, `g${i}`, PlayerOutcome.PLAYER_OUTCOME_DRAW),
    );
    const response = await fetch(`${base}/connect4/single-game-players?format=csv`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines[0]).toBe('player_id,email,name,nationality,outcome,game_id');
    expect(lines).toHaveLength(1501);
    expect(lines[8]).toBe('7,7@example.com,"Doe, ""J""",FI,draw,g7');
    expect(lines[1500]).toBe('1499,1499@example.com,P1499,FI,draw,g1499');
    expect(calls.map((call) => call.request.pageToken)).toEqual(['', '1000']);
  });

  it('refuses a bad outcome, format or page size with 400 naming the field, before asking the games service', async () => {
    for (const [query, field] of [
      ['outcome=tie', 'outcome'],
      ['format=xml', 'format'],
      ['page_size=0', 'page_size'],
      ['page_size=1001', 'page_size'],
    ]) {
      const response = await fetch(`${base}/connect4/single-game-players?${query}`);
      expect(response.status, query).toBe(400);
      expect(JSON.stringify(await response.json()), query).toContain(`${field}: `);
    }
    expect(calls).toEqual([]);
  });
});

describe('first-move columns and imports', () => {
  it('shares the answer between callers, and an import drops it so its caller reads its own import', async () => {
    const columns = async () =>
      ((await (await fetch(`${base}/connect4/first-move-columns`)).json()) as { columns: Array<{ first_player_wins: number }> }).columns;
    expect(await columns()).toEqual([
      { column: 1, games: 10, first_player_wins: 6, first_player_losses: 3, draws: 1, win_rate: 0.6, percentile_rank: 100 },
    ]);
    column1Wins = 7;
    expect((await columns())[0].first_player_wins).toBe(6);
    const csv = 'game_id,player_id,move_number,column,result\n9,1,1,4,\n9,2,2,4,win\n';
    const imported = await fetch(`${base}/connect4/games`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(await imported.json()).toEqual({ games: { stored: 1, duplicate: 0, rejected: 0 }, rejections: [] });
    expect((await columns())[0].first_player_wins).toBe(7);
    expect(calls.map((call) => call.method)).toEqual(['getFirstMoveStats', 'importGames', 'getFirstMoveStats']);
  });

  it('refuses an upload of the wrong media type with 415 and a CSV with the wrong header with 400, storing nothing', async () => {
    const json = await fetch(`${base}/connect4/games`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(json.status).toBe(415);
    const wrongHeader = await fetch(`${base}/connect4/games`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'id,move\n1,2\n',
    });
    expect(wrongHeader.status).toBe(400);
    expect(calls).toEqual([]);
  });
});
