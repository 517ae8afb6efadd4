import { GameAudit, type AuditReport } from '../../services/games/audit.js';
import { GameImporter } from '../../services/games/game-import.js';
import { gamesStores } from '../../services/games/store.js';
import { DEFAULT_GAME } from '../../services/shared/access/game.js';
import { ResponseCache } from '../../services/shared/cache.js';
import { connectCassandra } from '../../services/shared/cassandra.js';
import { createLogger } from '../../services/shared/logger.js';
import { systemClock } from '../../services/shared/time.js';
import { testConfig } from './env.js';

/** The audit of every stored Connect-4 game of the default game in `keyspace` against the kept aggregates. */
export async function connect4Audit(keyspace: string): Promise<AuditReport> {
  const logger = createLogger('test', 'silent');
  const cassandra = await connectCassandra({ ...testConfig().cassandra, keyspace }, logger);
  const cache = new ResponseCache(testConfig().redis.url, logger, `${keyspace}:`);
  try {
    const store = gamesStores(cassandra)(DEFAULT_GAME);
    const gameCache = cache.within(DEFAULT_GAME);
    return await new GameAudit(store, new GameImporter(store, gameCache, systemClock, logger), gameCache, systemClock).run();
  } finally {
    cache.close();
    await cassandra.shutdown();
  }
}
