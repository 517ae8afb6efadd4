// npm run import:connect4 -- --games FILE --players FILE [--games-service 127.0.0.1:50054]
// Streams the original 98point6 files (games CSV; players as country.csv or user-API JSON) into the games service
// over gRPC, through the same readers and batches as the HTTP routes, in constant memory, with progress and a summary.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { csvLines } from '../services/games/csv-lines.js';
import { readGamesCsv } from '../services/games/game-csv.js';
import { readPlayersCsv, readUserApiPlayers } from '../services/games/player-formats.js';
import { uploadGames, uploadPlayers, type UploadTally } from '../services/games/upload.js';
import { DEFAULT_GAME } from '../services/shared/access/game.js';
import { loadConfig } from '../services/shared/config.js';
import { GamesClient } from './connect4/games-client.js';

const { values } = parseArgs({
  options: {
    games: { type: 'string' },
    players: { type: 'string' },
    'games-service': { type: 'string', default: loadConfig().services.games.address },
    game: { type: 'string', default: DEFAULT_GAME },
  },
});
const files = [values.players, values.games].filter((file): file is string => file !== undefined);
if (files.length === 0 || files.some((file) => !existsSync(file))) {
  console.error(
    'usage: npm run import:connect4 -- [--players country.csv|users.json] [--games game_data.csv] [--games-service host:port] [--game <game>]',
  );
  process.exit(2);
}
const client = new GamesClient(values['games-service'], values.game);

async function run(what: string, file: string, upload: (onProgress: (tally: UploadTally) => void) => Promise<UploadTally>) {
  const started = performance.now();
  console.log(`importing ${what} from ${file} into the games service at ${values['games-service']}, game ${values.game}`);
  let last = 0;
  const tally = await upload((progress) => {
    if (performance.now() - last < 1000) return;
    last = performance.now();
    const seconds = (last - started) / 1000;
    const done = progress.stored + progress.duplicate + progress.rejected;
    console.log(
      `  ${done} ${what} (${Math.round(done / seconds)}/s): ${progress.stored} stored, ${progress.duplicate} duplicate, ${progress.rejected} rejected; RSS ${rssMb()} MB`,
    );
  });
  const seconds = (performance.now() - started) / 1000;
  const done = tally.stored + tally.duplicate + tally.rejected;
  console.log(
    `${what}: ${tally.stored} stored, ${tally.duplicate} duplicate, ${tally.rejected} rejected in ${seconds.toFixed(1)} s (${Math.round(done / seconds)}/s); RSS ${rssMb()} MB`,
  );
  for (const rejection of tally.rejections.slice(0, 10)) console.log(`  line ${rejection.line} (${rejection.id}): ${rejection.reason}`);
  if (tally.rejected > 10) console.log(`  … and ${tally.rejected - 10} more rejected`);
}

const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const lines = (file: string) => csvLines(createReadStream(file));

try {
  if (values.players) {
    const file = values.players;
    const players = file.endsWith('.json') ? readUserApiPlayers(JSON.parse(readFileSync(file, 'utf8'))) : readPlayersCsv(lines(file));
    await run('players', file, (onProgress) => uploadPlayers(players, client.importPlayers, { onProgress }));
  }
  if (values.games) {
    const file = values.games;
    await run('games', file, (onProgress) => uploadGames(readGamesCsv(lines(file)), client.importGames, { onProgress }));
  }
} finally {
  client.close();
}
