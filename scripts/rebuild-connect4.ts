// npm run rebuild:connect4 [-- --repair] [--game <game>]
// Recomputes every Connect-4 aggregate of a game (default: the default game) from its stored games and profiles and reports each difference from the kept
// ones (exit code 1 if any); with --repair, writes the corrections that make them agree.
import { parseArgs } from 'node:util';
import { GameAudit } from '../services/games/audit.js';
import { GameImporter } from '../services/games/game-import.js';
import { gamesStores } from '../services/games/store.js';
import { DEFAULT_GAME } from '../services/shared/access/game.js';
import { ResponseCache } from '../services/shared/cache.js';
import { connectCassandra } from '../services/shared/cassandra.js';
import { loadConfig } from '../services/shared/config.js';
import { createLogger } from '../services/shared/logger.js';
import { systemClock } from '../services/shared/time.js';

const { values } = parseArgs({
  options: { repair: { type: 'boolean', default: false }, game: { type: 'string', default: DEFAULT_GAME } },
});
const config = loadConfig();
const logger = createLogger('rebuild-connect4', 'warn');
const cassandra = await connectCassandra(config.cassandra, logger);
const caches = new ResponseCache(config.redis.url, logger, `${config.cassandra.keyspace}:`);
const cache = caches.within(values.game);
const store = gamesStores(cassandra)(values.game);
const audit = new GameAudit(store, new GameImporter(store, cache, systemClock, logger), cache, systemClock);
const started = performance.now();
console.log(
  `auditing the Connect-4 aggregates of game ${values.game} in keyspace ${config.cassandra.keyspace}${values.repair ? ' (repairing)' : ''}`,
);
try {
  const report = await audit.run({ repair: values.repair, onProgress: (line) => console.log(`  ${line}`) });
  const found = report.totals.length + report.singleGamePlayers.length;
  for (const line of [...report.totals, ...report.singleGamePlayers].slice(0, 50)) console.log(`  differs: ${line}`);
  console.log(
    `${report.games} games, ${report.profiles} profiles, ${report.recoveredParts} interrupted imports finished; ` +
      `${report.totals.length} aggregate and ${report.singleGamePlayers.length} single-game-list differences` +
      `${found && values.repair ? ', repaired' : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  process.exitCode = found && !values.repair ? 1 : 0;
} finally {
  caches.close();
  await cassandra.shutdown();
}
