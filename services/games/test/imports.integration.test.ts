// The games service's import rules on the real Cassandra and Redis: two replicas importing the real file at once,
// retried uploads, a writer that died between claiming games and counting them, per-item validation; after each,
// the answers agree with an oracle computed from the CSV and the audit finds no difference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientError, Status } from 'nice-grpc';
import { GamesClient } from '../../../scripts/connect4/games-client.js';
import { ResponseCache } from '../../shared/cache.js';
import { createLogger } from '../../shared/logger.js';
import { ttlSecondsFor } from '../../shared/retention.js';
import { Connect4Oracle } from '../../../test/support/connect4-oracle.js';
import { startInProcess, type InProcessService } from '../../../test/support/service-harness.js';
import { linesOfFile, linesOfText, realGamesCsv } from '../../../test/support/shared-data.js';
import { PrivateRedis } from '../../../test/support/private-redis.js';
import { createIsolatedKeyspace } from '../../../test/support/stack.js';
import { testConfig } from '../../../test/support/env.js';
import { GameAudit } from '../audit.js';
import { encodeContent } from '../game-content.js';
import { readGamesCsv } from '../game-csv.js';
import { GameImporter, RECOVER_AFTER } from '../game-import.js';
import { daysSinceEpoch, micros, seconds, systemClock, type Micros } from '../../shared/time.js';
import { DEFAULT_BOARD, validateGame, type ValidGame } from '../game-rules.js';
import { gamesRoutes } from '../routes.js';
import { SINGLE_GAME_LIST } from '../single-game-list.js';
import { gamesStores, type GamesStore } from '../store.js';
import { DEFAULT_GAME } from '../../shared/access/game.js';
import { uploadGames } from '../upload.js';

let keyspace: Awaited<ReturnType<typeof createIsolatedKeyspace>>;
const replicas: Array<InProcessService<ReturnType<typeof gamesRoutes>>> = [];
const clients: GamesClient[] = [];
let clockOffset = micros(0);
const clock = (): Micros => micros(systemClock() + clockOffset);
let audit: GameAudit;
let store: GamesStore;
/** The default game's answers in the services' Redis (the requests below name no game), and its connection. */
let cache: ResponseCache;
let connection: ResponseCache;

beforeAll(async () => {
  keyspace = await createIsolatedKeyspace('games_imports');
  for (let replica = 0; replica < 2; replica++) {
    const running = await startInProcess((context) => gamesRoutes(context, clock), { keyspace: keyspace.keyspace });
    replicas.push(running);
    clients.push(new GamesClient(running.address));
  }
  store = gamesStores(replicas[0].cassandra)(DEFAULT_GAME);
  const logger = createLogger('test', 'silent');
  connection = new ResponseCache(testConfig().redis.url, logger, `${keyspace.keyspace}:`);
  cache = connection.within(DEFAULT_GAME);
  audit = new GameAudit(store, new GameImporter(store, cache, clock, logger), cache, clock);
}, 120_000);
afterAll(async () => {
  for (const client of clients) client.close();
  connection?.close();
  await Promise.all(replicas.map((replica) => replica.stop()));
  await keyspace?.drop();
});

const realFile = () => readGamesCsv(linesOfFile(realGamesCsv()));
const firstMoveGames = async (client: GamesClient) =>
  (await client.rpc.getFirstMoveStats({})).columns.map((column) => [
    column.column,
    Number(column.games),
    Number(column.firstPlayerWins),
    Number(column.draws),
  ]);
const oracleFirstMove = (oracle: Connect4Oracle) =>
  oracle.firstMoveColumns().columns.map((column) => [column.column, column.games, column.first_player_wins, column.draws]);

describe('importing at once and again', () => {
  it('two replicas importing the real file at once store each game once and count it once', { timeout: 120_000 }, async () => {
    const [first, second] = await Promise.all(clients.map((client) => uploadGames(realFile(), client.importGames)));
    expect(first.stored + second.stored).toBe(10_000);
    expect(first.duplicate + second.duplicate).toBe(10_000);
    expect(first.rejected + second.rejected).toBe(0);
    const oracle = Connect4Oracle.fromFiles(realGamesCsv());
    for (const client of clients) expect(await firstMoveGames(client)).toEqual(oracleFirstMove(oracle));
    const unknown = (await clients[1].rpc.countGamesByNationality({})).nationalities;
    expect(unknown.map((entry) => [entry.nationality, Number(entry.games), Number(entry.appearances)])).toEqual(
      oracle.gamesByNationality().map((entry) => [entry.nationality, entry.games, entry.appearances]),
    );
    const report = await audit.run();
    expect(report).toMatchObject({ games: 10_000, totals: [], singleGamePlayers: [] });
  });

  it('retried uploads, on both replicas at once, are all duplicates and change nothing', { timeout: 120_000 }, async () => {
    const before = await firstMoveGames(clients[0]);
    const tallies = await Promise.all([...clients, ...clients].map((client) => uploadGames(realFile(), client.importGames)));
    for (const tally of tallies) expect(tally).toMatchObject({ stored: 0, duplicate: 10_000, rejected: 0 });
    expect(await firstMoveGames(clients[1])).toEqual(before);
    expect((await audit.run()).totals).toEqual([]);
  });
});

describe('a writer that died mid-import', () => {
  it('has its claimed games counted when the upload is retried, and the audit agrees', async () => {
    const games: ValidGame[] = [];
    const csv = ['game_id,player_id,move_number,column,result'];
    for (let index = 0; index < 20; index++) {
      const id = `crash-${index}`;
      const rows = [1, 2, 3, 4, 5, 6, 7].map(
        (move) => `${id},${move % 2 ? `crash-a${index}` : `crash-b${index}`},${move},${move % 2 ? 2 : 3},${move === 7 ? 'win' : ''}`,
      );
      csv.push(...rows);
    }
    for await (const game of readGamesCsv(linesOfText(csv.join('\n')))) games.push(validateGame(game, DEFAULT_BOARD) as ValidGame);
    // The dead writer: its part opened, half of its games claimed, nothing counted.
    const startedAt = clock();
    const day = daysSinceEpoch(startedAt);
    const ttl = ttlSecondsFor(startedAt, startedAt);
    await store.openPart(
      day,
      'import-dead-writer',
      startedAt,
      games.map((game) => game.gameId),
      ttl,
    );
    await store.claimGames(
      games.slice(0, 10).map((game) => ({
        gameId: game.gameId,
        claim: { content: encodeContent(game), partId: 'import-dead-writer', day, importedAt: startedAt },
      })),
      ttl,
    );
    const before = await firstMoveGames(clients[0]);
    // The retry comes once the dead writer's part is old enough to be finished by someone else.
    clockOffset = micros(clockOffset + RECOVER_AFTER + seconds(1));
    const tally = await uploadGames(readGamesCsv(linesOfText(csv.join('\n'))), clients[1].importGames);
    expect(tally).toMatchObject({ stored: 10, duplicate: 10, rejected: 0 });
    const after = await firstMoveGames(clients[0]);
    const column2 = (answer: number[][]) => answer.find(([column]) => column === 2)!;
    expect(column2(after)[1]).toBe(column2(before)[1] + 20);
    expect(column2(after)[2]).toBe(column2(before)[2] + 20);
    expect((await store.readPart(day, 'import-dead-writer'))?.state).toBe('final');
    expect(await audit.run()).toMatchObject({ totals: [], singleGamePlayers: [] });
  });
});

describe('the single-game list on two replicas sharing one cache', () => {
  const columnWin = (id: string, a: string, b: string) =>
    [
      'game_id,player_id,move_number,column,result',
      ...[1, 2, 3, 4, 5, 6, 7].map((move) => `${id},${move % 2 ? a : b},${move},${move % 2 ? 1 : 2},${move === 7 ? 'win' : ''}`),
    ].join('\n');
  const listed = async (client: GamesClient) => {
    const players = [];
    let pageToken = '';
    do {
      const page = await client.rpc.listSingleGamePlayers({ pageSize: 1000, pageToken });
      players.push(...page.players);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return players;
  };
  const entryOf = async (client: GamesClient, playerId: string) =>
    (await listed(client)).find((entry) => entry.player?.playerId === playerId);

  it('changes a page cached by one replica as soon as the other imports a profile or a second game', async () => {
    await uploadGames(readGamesCsv(linesOfText(columnWin('list-1', 'list-solo', 'list-rival'))), clients[1].importGames);
    expect((await entryOf(clients[0], 'list-solo'))?.player?.name).toBe('');
    expect(await entryOf(clients[0], 'list-solo')).toBeDefined();

    const generation = await cache.generation(SINGLE_GAME_LIST);
    await clients[1].importPlayers([
      { playerId: 'list-solo', nationality: 'IE', name: 'Solo Player', email: 'solo@example.com', gender: '' },
    ]);
    expect(await cache.generation(SINGLE_GAME_LIST)).not.toBe(generation);
    expect((await entryOf(clients[0], 'list-solo'))?.player).toMatchObject({ name: 'Solo Player', nationality: 'IE' });

    await uploadGames(readGamesCsv(linesOfText(columnWin('list-2', 'list-other', 'list-solo'))), clients[1].importGames);
    expect(await entryOf(clients[0], 'list-solo')).toBeUndefined();
    expect(await entryOf(clients[0], 'list-rival')).toBeDefined();
  });

  it('stays exact, reading Cassandra, when its Redis stops after caching a page', async () => {
    const redis = await PrivateRedis.start();
    const cached = await startInProcess((context) => gamesRoutes(context, clock), { keyspace: keyspace.keyspace, redisUrl: redis.url });
    const client = new GamesClient(cached.address);
    try {
      await uploadGames(readGamesCsv(linesOfText(columnWin('redis-1', 'redis-solo', 'redis-rival'))), client.importGames);
      // The service's Redis client connects in the background and caches fire-and-forget: ask until a page is cached.
      for (let attempt = 0; attempt < 50 && (await redis.keys('*single-game-list:*')).length === 0; attempt++) {
        expect(await entryOf(client, 'redis-solo')).toBeDefined();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await redis.keys('*single-game-list:*')).length).toBeGreaterThan(0);
      await redis.stop();
      await uploadGames(readGamesCsv(linesOfText(columnWin('redis-2', 'redis-other', 'redis-solo'))), client.importGames);
      expect(await entryOf(client, 'redis-solo')).toBeUndefined();
      expect(await entryOf(client, 'redis-other')).toBeDefined();
    } finally {
      client.close();
      await cached.stop();
      await redis.stop();
    }
  });
});

describe('validation over gRPC', () => {
  it('refuses an empty or oversized call as INVALID_ARGUMENT, and bad items one by one', async () => {
    const error = await clients[0].rpc.importGames({ games: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe(Status.INVALID_ARGUMENT);
    expect((error as ClientError).details).toBe('games: must hold 1 to 1000 games, got 0');
    const players = await clients[0].importPlayers([
      { playerId: 'v-1', nationality: 'XX', name: '', email: '', gender: '' },
      { playerId: 'v-2', nationality: 'ie', name: 'A', email: 'not-an-address', gender: '' },
      { playerId: '', nationality: 'IE', name: '', email: '', gender: '' },
      { playerId: 'v-3', nationality: 'ie', name: 'A', email: 'a@example.com', gender: 'female' },
    ]);
    expect(players.map((result) => result.reason)).toEqual([
      'nationality: must be an ISO 3166-1 alpha-2 country code or empty, got "XX"',
      'email: must be an address such as name@example.com, got "not-an-address"',
      'player_id: is required',
      '',
    ]);
    expect(players[3]).toMatchObject({ stored: true });
    expect(
      (await clients[0].importPlayers([{ playerId: 'v-3', nationality: 'IE', name: 'A', email: 'a@example.com', gender: 'female' }]))[0],
    ).toMatchObject({
      stored: false,
      duplicate: true,
    });
  });
});
