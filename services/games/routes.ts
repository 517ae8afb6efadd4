import { serve } from '../shared/handler.js';
import { hosted, type HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { TokenSigner } from '../shared/signed-token.js';
import { daysSinceEpoch, systemClock } from '../shared/time.js';
import { GamesServiceDefinition } from '../../gen/ts-proto/gamepulse/games/v1/games.js';
import { Aggregates } from './aggregates.js';
import { GameImporter } from './game-import.js';
import { CountGamesByNationalityHandler } from './handlers/count-games-by-nationality.js';
import { GetFirstMoveStatsHandler } from './handlers/get-first-move-stats.js';
import { ImportGamesHandler } from './handlers/import-games.js';
import { ImportPlayersHandler } from './handlers/import-players.js';
import { ListSingleGamePlayersHandler } from './handlers/list-single-game-players.js';
import { ProfileImporter } from './profile-import.js';
import { GamesStore } from './store.js';

/** How often each replica looks for import parts whose writer died, and finishes them. */
const RECOVERY_INTERVAL_MS = 10_000;

/** The GamesService RPCs, each served by its handler. */
export function gamesRoutes({ config, cassandra, cache, logger, onClose }: ServiceContext, clock = systemClock): HostedService {
  const store = new GamesStore(cassandra);
  const importer = new GameImporter(store, cache, clock, logger);
  const aggregates = new Aggregates(store, cache, () => daysSinceEpoch(clock()));
  const recovery = setInterval(() => {
    importer
      .recoverAbandonedParts()
      .catch((error: unknown) => logger.warn({ err: error }, 'recovering import parts failed; trying again later'));
  }, RECOVERY_INTERVAL_MS);
  recovery.unref();
  onClose(() => clearInterval(recovery));
  return hosted(GamesServiceDefinition, {
    importGames: serve(new ImportGamesHandler(importer, config.connect4Board)),
    importPlayers: serve(new ImportPlayersHandler(new ProfileImporter(store, cache, clock))),
    getFirstMoveStats: serve(new GetFirstMoveStatsHandler(aggregates)),
    countGamesByNationality: serve(new CountGamesByNationalityHandler(aggregates)),
    listSingleGamePlayers: serve(new ListSingleGamePlayersHandler(store, new TokenSigner(config.tokenSecret), cache)),
  });
}
