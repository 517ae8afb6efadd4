// npm run demo:connect4 [-- --gateway http://127.0.0.1:8080]
// Loads the original 98point6 files (../shared/data/connect4) into the running stack (`npm start`) over HTTP and
// prints the three answers as tables.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../services/shared/config.js';
import { sharedDataDir } from '../services/shared/shared-data.js';

const { values } = parseArgs({ options: { gateway: { type: 'string', default: `http://127.0.0.1:${loadConfig().gateway.port}` } } });
const gateway = values.gateway;
const dataDir = join(sharedDataDir(), 'connect4');
const files = { players: join(dataDir, 'country.csv'), games: join(dataDir, 'game_data.csv') };
for (const file of Object.values(files)) {
  if (!existsSync(file)) {
    console.error(`missing ${file}: the demo reads the original data (shared/data beside the repository)`);
    process.exit(2);
  }
}

async function post(route: string, file: string): Promise<void> {
  const started = performance.now();
  const response = await fetch(`${gateway}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', 'content-length': String(statSync(file).size) },
    body: createReadStream(file),
    duplex: 'half',
  });
  const answer = await response.text();
  if (!response.ok) throw new Error(`POST ${route}: ${response.status} ${answer}`);
  console.log(
    `POST ${route} (${file.split('/').pop()}): ${answer.slice(0, 200)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

async function get<T>(route: string): Promise<T> {
  const response = await fetch(`${gateway}${route}`);
  if (!response.ok) throw new Error(`GET ${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function table(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return console.log('  (none)');
  const keys = Object.keys(rows[0]);
  const cell = (value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : String(value));
  const widths = keys.map((key) => Math.max(key.length, ...rows.map((row) => cell(row[key]).length)));
  const line = (cells: string[]) => `  ${cells.map((text, index) => text.padStart(widths[index])).join('  ')}`;
  console.log(line(keys));
  for (const row of rows) console.log(line(keys.map((key) => cell(row[key]))));
}

console.log(`loading the real Connect-4 data into ${gateway}`);
await post('/connect4/players', files.players);
await post('/connect4/games', files.games);

const firstMove = await get<{ columns: Array<Record<string, unknown>>; best_column: number }>('/connect4/first-move-columns');
table(`First-move columns (best: column ${firstMove.best_column})`, firstMove.columns);
const byNationality = await get<{ nationalities: Array<Record<string, unknown>> }>('/connect4/games-by-nationality');
table('Games by nationality', byNationality.nationalities);
const singles = await get<{ players: Array<Record<string, unknown>>; next_page_token: string }>(
  '/connect4/single-game-players?page_size=10',
);
table('Players with exactly one game (first 10; ?format=csv for all)', singles.players);
const csv = await (await fetch(`${gateway}/connect4/single-game-players?format=csv`)).text();
console.log(`\n${csv.trim().split('\n').length - 1} players with exactly one game in all (GET /connect4/single-game-players?format=csv)`);
