// npm run gen:connect4 -- --games N --players M [--out FILE] [--prefix gen-]
// Writes a games CSV of N legal random games between M players on the configured board (CONNECT4_COLUMNS, _ROWS,
// _CONNECT; 4 × 4 by default), with progress on stderr.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { GAMES_CSV_HEADER } from '../services/games/game-csv.js';
import { loadConfig } from '../services/shared/config.js';
import { generatedGameRows } from './connect4/game-generator.js';

const { values } = parseArgs({
  options: {
    games: { type: 'string', default: '10000' },
    players: { type: 'string', default: '5000' },
    out: { type: 'string' },
    prefix: { type: 'string', default: 'gen-' },
  },
});
const games = Number(values.games);
const players = Number(values.players);
if (!Number.isInteger(games) || games < 1 || !Number.isInteger(players) || players < 2) {
  console.error('usage: npm run gen:connect4 -- --games N (≥ 1) --players M (≥ 2) [--out FILE] [--prefix gen-]');
  process.exit(2);
}
const out = values.out ? createWriteStream(values.out) : process.stdout;
out.write(`${GAMES_CSV_HEADER.join(',')}\n`);
let written = 0;
for (const rows of generatedGameRows(games, players, loadConfig().connect4Board, values.prefix)) {
  if (!out.write(`${rows}\n`)) await once(out, 'drain');
  if (++written % 100_000 === 0) console.error(`  ${written} games`);
}
if (values.out) {
  out.end();
  await once(out, 'finish');
}
console.error(`generated ${written} games between ${players} players${values.out ? ` into ${values.out}` : ''}`);
