// `npm run erase -- --player <id> [--game <game>] [--key <api key>] [--gateway <url>]`: erases a player of a game
// (GDPR / CCPA) through the running gateway's AccessService/DeletePlayerData, as any admin caller would, and prints
// what each table lost. The key (or GAMEPULSE_API_KEY) needs the admin scope; without one, a loopback stack serves
// the call for game "local" unless --game names another. Erasing twice is fine: the second erases nothing.
import { parseArgs } from 'node:util';
import type { ErasedRows } from '../gen/ts-proto/gamepulse/common/v1/erasure.js';
import { DEFAULT_GAME } from '../services/shared/access/game.js';
import { loadConfig } from '../services/shared/config.js';

const usage = 'usage: npm run erase -- --player <id> [--game <game>] [--key <api key>] [--gateway <url>]';
const ERASE_TIMEOUT_MS = 120_000;

const { values } = parseArgs({
  options: {
    player: { type: 'string', default: '' },
    game: { type: 'string', default: '' },
    key: { type: 'string', default: process.env.GAMEPULSE_API_KEY ?? '' },
    gateway: { type: 'string', default: `http://127.0.0.1:${loadConfig().gateway.port}` },
  },
});
if (values.player === '') {
  console.error(`--player: required\n${usage}`);
  process.exit(2);
}
const game = values.game || (values.key ? '' : DEFAULT_GAME);
console.log(`erasing player "${values.player}" of ${game ? `game "${game}"` : "the key's game"} through ${values.gateway} …`);
const started = performance.now();
const response = await fetch(`${values.gateway}/gamepulse.access.v1.AccessService/DeletePlayerData`, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    'connect-timeout-ms': String(ERASE_TIMEOUT_MS),
    ...(values.key ? { authorization: `Bearer ${values.key}` } : {}),
  },
  body: JSON.stringify({ game, playerId: values.player }),
  signal: AbortSignal.timeout(ERASE_TIMEOUT_MS + 5000),
}).catch((error: unknown) => {
  console.error(`cannot reach the gateway at ${values.gateway}: ${String(error)} (is the stack running? npm start)`);
  process.exit(1);
});
const body = (await response.json()) as {
  erased?: Array<Partial<ErasedRows>>;
  connect4AnonymousId?: string;
  code?: string;
  message?: string;
};
if (!response.ok) {
  console.error(`refused (${response.status} ${body.code ?? ''}): ${body.message ?? ''}`);
  process.exit(1);
}
const rows = body.erased ?? [];
for (const row of rows) {
  console.log(
    `  ${(row.job ?? '').padEnd(11)}${(row.table ?? '').padEnd(38)}removed ${String(row.removed ?? 0).padStart(7)}  anonymised ${row.anonymised ?? 0}`,
  );
}
const removed = rows.reduce((sum, row) => sum + Number(row.removed ?? 0), 0);
const anonymised = rows.reduce((sum, row) => sum + Number(row.anonymised ?? 0), 0);
const kept = body.connect4AnonymousId ? `; Connect-4 games kept as "${body.connect4AnonymousId}"` : '';
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${removed} rows removed, ${anonymised} anonymised${kept}`);
