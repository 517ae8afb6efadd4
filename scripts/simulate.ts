// `npm run simulate -- --rate <events/s> --duration <seconds> [--gateway <url>] [--key <api key>] [--players <n>]`:
// realistic mixed traffic of all five jobs through a running gateway, so that the dashboard (/dashboard) moves: a
// few live matches with bursts of reactions, sessions across countries, logins and mode switches, clicks and
// impressions (all through @gamepulse/client's EventSender), and a finished Connect-4 game every two seconds. Prints
// a progress line a second and a summary. The key: --key, GAMEPULSE_API_KEY, or the one `npm start` printed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGamepulseClients, EventSender, GameResult } from '@gamepulse/client';
import { createNodeTransport } from '@gamepulse/client/node';
import { DEFAULT_BOARD } from '../services/games/game-rules.js';
import { loadConfig } from '../services/shared/config.js';
import { repoRoot } from '../services/shared/repo-root.js';
import { generatedGameRows } from './connect4/game-generator.js';
import { TrafficModel } from './simulation/traffic-model.js';

const config = loadConfig();
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '60' },
    gateway: { type: 'string', default: `http://127.0.0.1:${config.gateway.port}` },
    key: { type: 'string', default: process.env.GAMEPULSE_API_KEY ?? '' },
    players: { type: 'string', default: '500' },
  },
});
const rate = Number(values.rate);
const duration = Number(values.duration);
const players = Number(values.players);
for (const [name, value, max] of [
  ['rate', rate, 20_000],
  ['duration', duration, 86_400],
  ['players', players, 1_000_000],
] as const) {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`--${name}: a whole number from 1 to ${max}, got "${String(values[name]).slice(0, 20)}"`);
    process.exit(2);
  }
}
const localKeyFile = join(repoRoot(), '.local', `api-key-${config.cassandra.keyspace}`);
const apiKey = values.key || (existsSync(localKeyFile) ? readFileSync(localKeyFile, 'utf8').trim() : undefined);

const clients = createGamepulseClients(createNodeTransport({ baseUrl: values.gateway, apiKey }));
const rejections = new Map<string, number>();
const sender = new EventSender(clients.ingest, {
  onRejected: (_event, reason) => rejections.set(reason, (rejections.get(reason) ?? 0) + 1),
});
const model = new TrafficModel(players);
const runId = Date.now().toString(36);
let sent = 0;
let games = 0;
let gameFailures = 0;

/** One finished Connect-4 game between two of the simulated players. */
async function finishGame(): Promise<void> {
  const [rows] = generatedGameRows(1, players, DEFAULT_BOARD, `sim-${runId}-${games + gameFailures}-`);
  const moves = rows.split('\n').map((row) => row.split(','));
  const result = moves[moves.length - 1][4] === 'win' ? GameResult.WIN : GameResult.DRAW;
  try {
    await clients.games.importGames({
      games: [
        {
          gameId: moves[0][0],
          moves: moves.map(([, playerId, moveNumber, column]) => ({ playerId, moveNumber: Number(moveNumber), column: Number(column) })),
          result,
        },
      ],
    });
    games++;
  } catch {
    gameFailures++;
  }
}

console.log(`simulating ${rate} events/s for ${duration} s (${players} players) through ${values.gateway}`);
const started = Date.now();
const progress = setInterval(() => {
  const counts = sender.stats();
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `  ${String(seconds).padStart(4)} s  sent ${sent}  accepted ${counts.accepted}  rejected ${counts.rejected}  ` +
      `retried ${counts.retried}  pending ${counts.pending}  games ${games}`,
  );
}, 1000);
for (let tick = 0; tick < duration * 10; tick++) {
  // Ten ticks a second, each sending its share, each waiting for its own time: a steady rate, not bursts per second.
  const due = started + (tick + 1) * 100;
  const count = Math.floor(((tick + 1) * rate) / 10) - Math.floor((tick * rate) / 10);
  for (let i = 0; i < count; i++) {
    await sender.send(model.next(new Date()));
    sent++;
  }
  if (tick % 20 === 0) void finishGame();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
}
const counts = await sender.close();
clearInterval(progress);
const seconds = (Date.now() - started) / 1000;
console.log(
  `done in ${seconds.toFixed(1)} s: ${sent} events sent (${(sent / seconds).toFixed(0)}/s), ${counts.accepted} accepted, ` +
    `${counts.duplicate} duplicate, ${counts.rejected} rejected, ${counts.dropped} dropped, ${counts.retried} sent again; ` +
    `${games} Connect-4 games finished${gameFailures ? `, ${gameFailures} not stored` : ''}`,
);
for (const [reason, count] of rejections) console.log(`  rejected ×${count}: ${reason}`);
process.exit(counts.rejected > 0 || counts.dropped > 0 ? 1 : 0);
