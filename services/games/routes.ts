import { serve } from '../shared/handler.js';
import { hosted, type HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { signersPerGame } from '../shared/signed-token.js';
import { daysSinceEpoch, systemClock } from '../shared/time.js';
import { GamesServiceDefinition } from '../../gen/ts-proto/gamepulse/games/v1/games.js';
import { Aggregates } from './aggregates.js';
import { GameImporter } from './game-import.js';
import { ErasePlayerHandler } from './handlers/erase-player.js';
import { CountGamesByNationalityHandler } from './handlers/count-games-by-nationality.js';
import { GetFirstMoveStatsHandler } from './handlers/get-first-move-stats.js';
import { ImportGamesHandler } from './handlers/import-games.js';
import { ImportPlayersHandler } from './handlers/import-players.js';
import { ListSingleGamePlayersHandler } from './handlers/list-single-game-players.js';
import { PlayerErasure } from './player-erasure.js';
import { ProfileImporter } from './profile-import.js';
import { gamesStores } from './store.js';
import { perGame } from '../shared/access/game.js';

/** How often each replica looks for import parts whose writer died, and finishes them. */
const RECOVERY_INTERVAL_MS = 10_000;

/** The GamesService RPCs, each served by its handler. */
export function gamesRoutes({ config, cassandra, cache, logger, onClose }: ServiceContext, clock = systemClock): HostedService {
  const stores = gamesStores(cassandra);
  // Each game's importers, aggregates and cached answers are its own: its store, and the cache within its name.
  const ofGame = perGame((game) => {
    const store = stores(game);
    const gameCache = cache.within(game);
    const profiles = new ProfileImporter(store, gameCache, clock);
    return {
      store,
      cache: gameCache,
      importer: new GameImporter(store, gameCache, clock, logger),
      profiles,
      erasure: new PlayerErasure(store, profiles, gameCache, clock),
      aggregates: new Aggregates(store, gameCache, () => daysSinceEpoch(clock())),
    };
  });
  const recover = async () => {
    const today = daysSinceEpoch(clock());
    const games = new Set([...(await stores.gamesWithOpenParts(today - 1)), ...(await stores.gamesWithOpenParts(today))]);
    for (const game of games) await ofGame(game).importer.recoverAbandonedParts();
  };
  const recovery = setInterval(() => {
    recover().catch((error: unknown) => logger.warn({ err: error }, 'recovering import parts failed; trying again later'));
  }, RECOVERY_INTERVAL_MS);
  recovery.unref();
  onClose(() => clearInterval(recovery));
  return hosted(GamesServiceDefinition, {
    importGames: serve(new ImportGamesHandler((game) => ofGame(game).importer, config.connect4Board)),
    importPlayers: serve(new ImportPlayersHandler((game) => ofGame(game).profiles)),
    getFirstMoveStats: serve(new GetFirstMoveStatsHandler((game) => ofGame(game).aggregates)),
    countGamesByNationality: serve(new CountGamesByNationalityHandler((game) => ofGame(game).aggregates)),
    listSingleGamePlayers: serve(
      new ListSingleGamePlayersHandler(stores, signersPerGame(config.tokenSecret), (game) => ofGame(game).cache),
    ),
    erasePlayer: serve(new ErasePlayerHandler((game) => ofGame(game).erasure)),
  });
}
