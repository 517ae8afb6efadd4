// npm run bench:connect4 — Connect-4 imports and questions: the real 98point6 file through HTTP and through the CLI
// path (gRPC), a generated file of BENCH_GAMES games (1,000,000 by default) through the CLI path with the memory of
// each process, the raw cassandra-driver writing the same rows as a ratio, then each question's latency with all of
// it stored. Prints the figures and appends them to docs/benchmarks.md. Loopback only, bounded.
import { DEFAULT_GAME } from '../services/shared/access/game.js';
import { createReadStream, readFileSync } from 'node:fs';
import cassandra from 'cassandra-driver';
import { csvLines } from '../services/games/csv-lines.js';
import { encodeContent } from '../services/games/game-content.js';
import { readGamesCsv } from '../services/games/game-csv.js';
import { DEFAULT_BOARD, validateGame, type ValidGame } from '../services/games/game-rules.js';
import { claimBucketOf } from '../services/games/store.js';
import { uploadGames, type UploadTally } from '../services/games/upload.js';
import { mapConcurrently } from '../services/shared/batch.js';
import { GamesClient } from '../scripts/connect4/games-client.js';
import { generatedGameRows } from '../scripts/connect4/game-generator.js';
import type { RunningStack } from '../scripts/launcher.js';
import { testConfig } from '../test/support/env.js';
import { realGamesCsv, realPlayersCsv } from '../test/support/shared-data.js';
import { createIsolatedKeyspace, startIsolatedStack } from '../test/support/stack.js';
import { HttpLoad } from './support/http-load.js';
import { describeMachine } from './support/machine.js';
import { BenchReport } from './support/report.js';
import { closedLoop } from './support/stats.js';

const GENERATED_GAMES = Number(process.env.BENCH_GAMES ?? 1_000_000);
const GENERATED_PLAYERS = Math.max(2, Math.round(GENERATED_GAMES / 4));
const RAW_GAMES = Math.min(GENERATED_GAMES, 100_000);
const QUERY_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const report = new BenchReport();
const realMoves = readFileSync(realGamesCsv(), 'utf8').trim().split('\n').length - 1;

const rssMb = (pid: number | undefined) => {
  if (!pid) return NaN;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
};
const memory = (stack: RunningStack) =>
  `gateway ${rssMb(stack.processes.gateway.pid)} MB, games ${rssMb(stack.processes.games.pid)} MB, importer ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`;

async function timed<T>(task: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await task();
  return { value, seconds: (performance.now() - started) / 1000 };
}

async function postFile(port: number, path: string, file: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: createReadStream(file),
    duplex: 'half',
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

const rate = (count: number, seconds: number) => Math.round(count / seconds).toLocaleString('en');

async function* generated(count: number, prefix: string) {
  yield* csvLines(
    (function* () {
      yield 'game_id,player_id,move_number,column,result\n';
      for (const rows of generatedGameRows(count, GENERATED_PLAYERS, DEFAULT_BOARD, prefix)) yield `${rows}\n`;
    })(),
  );
}

/** The rows an import writes for each game, written straight with the driver, as many at once as it can. */
async function rawDriverGamesPerSecond(count: number): Promise<number> {
  const { keyspace, drop } = await createIsolatedKeyspace('bench_connect4_raw');
  const config = testConfig().cassandra;
  const client = new cassandra.Client({ contactPoints: config.contactPoints, localDataCenter: config.localDataCenter, keyspace });
  try {
    const games: ValidGame[] = [];
    for await (const game of readGamesCsv(generated(count, 'raw-'))) games.push(validateGame(game, DEFAULT_BOARD) as ValidGame);
    const options = { prepare: true };
    const ttl = 365 * 86_400;
    const claim =
      'INSERT INTO game_games_by_bucket (game, bucket, game_id, content, part_id, day, imported_ms) VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS USING TTL ?';
    const chunks = Array.from({ length: Math.ceil(games.length / 500) }, (_, index) => games.slice(index * 500, index * 500 + 500));
    const { seconds } = await timed(() =>
      mapConcurrently(chunks, 2, async (chunk) => {
        const byBucket = new Map<number, ValidGame[]>();
        for (const game of chunk) byBucket.set(claimBucketOf(game.gameId), [...(byBucket.get(claimBucketOf(game.gameId)) ?? []), game]);
        await Promise.all(
          [...byBucket].map(([bucket, inBucket]) =>
            client.batch(
              inBucket.map((game) => ({
                query: claim,
                params: [DEFAULT_GAME, bucket, game.gameId, encodeContent(game), 'raw', 1, Date.now(), ttl],
              })),
              options,
            ),
          ),
        );
        await mapConcurrently(chunk, 64, (game) =>
          Promise.all(
            [game.firstPlayer, game.secondPlayer].flatMap((player) => [
              client.execute(
                'INSERT INTO game_games_by_player (game, player_id, game_id, opponent_id, outcome, imported_ms) VALUES (?, ?, ?, ?, ?, ?) USING TTL ?',
                [DEFAULT_GAME, player, game.gameId, player, 'win', Date.now(), ttl],
                options,
              ),
              client.execute(
                'INSERT INTO game_single_game_players (game, shard, player_id, game_id, outcome) VALUES (?, ?, ?, ?, ?) USING TTL ?',
                [DEFAULT_GAME, 0, player, game.gameId, 'win', ttl],
                options,
              ),
            ]),
          ),
        );
      }),
    );
    return count / seconds;
  } finally {
    await client.shutdown();
    await drop();
  }
}

console.log(
  `Connect-4 benchmark on ${describeMachine()}: the real file, ${GENERATED_GAMES.toLocaleString('en')} generated games, queries for ${QUERY_SECONDS} s`,
);
report.line(`\n### Connect-4 analytics — ${new Date().toISOString().slice(0, 10)}, ${describeMachine()}\n`);
report.line('| import | games | moves | seconds | games/s | moves/s | RSS after (MB) |');
report.line('|---|---|---|---|---|---|---|');

let stack = await startIsolatedStack('bench_connect4_http');
try {
  report.progress('real players and games through HTTP');
  const players = await timed(() => postFile(stack.ports.gateway, '/connect4/players', realPlayersCsv()));
  report.line(
    `| country.csv through HTTP | 5,000 players | | ${players.seconds.toFixed(1)} | ${rate(5000, players.seconds)} players/s | | ${memory(stack)} |`,
  );
  const games = await timed(() => postFile(stack.ports.gateway, '/connect4/games', realGamesCsv()));
  report.line(
    `| game_data.csv through HTTP | 10,000 | ${realMoves.toLocaleString('en')} | ${games.seconds.toFixed(1)} | ${rate(10_000, games.seconds)} | ${rate(realMoves, games.seconds)} | ${memory(stack)} |`,
  );
  console.log(`  answered ${JSON.stringify(games.value)}`);
} finally {
  await stack.stop();
}

stack = await startIsolatedStack('bench_connect4_cli');
const http = new HttpLoad('127.0.0.1', stack.ports.gateway, 32);
try {
  const client = new GamesClient(`127.0.0.1:${stack.ports.games}`);
  report.progress('real games through the CLI path (gRPC to the games service)');
  const real = await timed(() => uploadGames(readGamesCsv(csvLines(createReadStream(realGamesCsv()))), client.importGames));
  report.line(
    `| game_data.csv through the CLI (gRPC) | 10,000 | ${realMoves.toLocaleString('en')} | ${real.seconds.toFixed(1)} | ${rate(10_000, real.seconds)} | ${rate(realMoves, real.seconds)} | ${memory(stack)} |`,
  );

  report.progress(`${GENERATED_GAMES.toLocaleString('en')} generated games through the CLI path`);
  let moves = 0;
  let lastPrint = performance.now();
  const memorySamples: string[] = [];
  const countingMoves = async function* () {
    for await (const game of readGamesCsv(generated(GENERATED_GAMES, 'gen-'))) {
      moves += game.moves.length;
      yield game;
    }
  };
  const big = await timed(() =>
    uploadGames(countingMoves(), client.importGames, {
      onProgress: (tally: UploadTally) => {
        if (performance.now() - lastPrint < 10_000) return;
        lastPrint = performance.now();
        const line = `${tally.stored.toLocaleString('en')} stored: ${memory(stack)}`;
        memorySamples.push(line);
        console.log(`    ${line}`);
      },
    }),
  );
  const ours = GENERATED_GAMES / big.seconds;
  report.line(
    `| ${GENERATED_GAMES.toLocaleString('en')} generated games through the CLI (gRPC) | ${big.value.stored.toLocaleString('en')} stored | ${moves.toLocaleString('en')} | ${big.seconds.toFixed(0)} | ${rate(GENERATED_GAMES, big.seconds)} | ${rate(moves, big.seconds)} | ${memory(stack)} |`,
  );
  report.line(
    `\nMemory during the generated import (every 10 s): ${memorySamples.slice(0, 3).concat(memorySamples.slice(-2)).join('; ')}.`,
  );

  report.progress(`raw cassandra-driver writing the same rows for ${RAW_GAMES.toLocaleString('en')} games`);
  const raw = await rawDriverGamesPerSecond(RAW_GAMES);
  report.headline('connect4.import-share-of-raw', ours / raw);
  report.line(
    `Raw cassandra-driver, the same rows per game (claims by conditional batch per bucket, two player rows, two single-game rows), 500-game chunks, two at once: ${rate(raw, 1)} games/s; the import runs at ${(ours / raw).toFixed(2)} of it.\n`,
  );

  // Cassandra flushes and compacts for a while after a million games: the questions are measured in steady state.
  report.progress('settling for 30 s after the import');
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  report.line(
    `| question with ${(GENERATED_GAMES + 10_000).toLocaleString('en')} games stored, 16 callers, after 30 s of settling | requests/s | p50 | p99 | errors |`,
  );
  report.line('|---|---|---|---|---|');
  for (const path of ['/connect4/first-move-columns', '/connect4/games-by-nationality', '/connect4/single-game-players?page_size=100']) {
    report.progress(`GET ${path}`);
    await closedLoop(3, 4, async () => void (await http.send('GET', path)));
    const { perSecond, latencies } = await closedLoop(QUERY_SECONDS, 16, async () => {
      const status = await http.send('GET', path);
      if (status !== 200) throw new Error(`HTTP ${status}`);
    });
    report.headline(`connect4.p99 ${path.split('?')[0]}`, latencies.errors > 0 ? NaN : latencies.percentile(99));
    report.line(
      `| GET ${path} | ${Math.round(perSecond)} | ${latencies.percentile(50).toFixed(1)} ms | ${latencies.percentile(99).toFixed(1)} ms | ${latencies.describeErrors()} |`,
    );
  }
  report.appendToDocs();
} finally {
  http.close();
  await stack.stop();
}
