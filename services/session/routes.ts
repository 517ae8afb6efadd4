import { serve } from '../shared/handler.js';
import { hosted, type HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { signersPerGame } from '../shared/signed-token.js';
import { systemClock, toTimestamp } from '../shared/time.js';
import { WatchHub } from '../shared/watch-hub.js';
import { SessionServiceDefinition, type WatchPopularModesResponse } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import { CountSessionStartsHandler } from './handlers/count-session-starts.js';
import { ErasePlayerHandler } from './handlers/erase-player.js';
import { ListCompletedSessionsHandler } from './handlers/list-completed-sessions.js';
import { ListPopularModesHandler, MAX_MODES_LIMIT } from './handlers/list-popular-modes.js';
import { ListSessionStartsHandler } from './handlers/list-session-starts.js';
import { RecordModeEventsHandler } from './handlers/record-mode-events.js';
import { RecordSessionEventsHandler } from './handlers/record-session-events.js';
import { WatchPopularModesHandler } from './handlers/watch-popular-modes.js';
import { modeStores } from './mode-store.js';
import { gameAndAreaOf } from './ranking-generation.js';
import { PopularModes } from './popular-modes.js';
import { sessionStores } from './store.js';
import { WriteClock } from './write-clock.js';

/** The SessionService RPCs, each served by its handler. */
export function sessionRoutes({ config, cassandra, cache, logger, stopping }: ServiceContext, clock = systemClock): HostedService {
  const stores = sessionStores(cassandra);
  const modes = modeStores(cassandra);
  const popular = new PopularModes(modes, cache, clock);
  const modesHub = new WatchHub<WatchPopularModesResponse>(
    'popular_modes',
    async (subject) => ({
      modes: (await popular.active(...gameAndAreaOf(subject), MAX_MODES_LIMIT)).modes,
      computedAt: toTimestamp(clock()),
    }),
    logger,
  );
  return hosted(SessionServiceDefinition, {
    recordSessionEvents: serve(new RecordSessionEventsHandler(stores, cache, clock)),
    countSessionStarts: serve(new CountSessionStartsHandler(stores, cache, clock)),
    listSessionStarts: serve(new ListSessionStartsHandler(stores, signersPerGame(config.tokenSecret), clock)),
    listCompletedSessions: serve(new ListCompletedSessionsHandler(stores)),
    recordModeEvents: serve(new RecordModeEventsHandler(modes, cache, config.modeIdleSeconds, clock)),
    listPopularModes: serve(new ListPopularModesHandler(popular)),
    watchPopularModes: serve(new WatchPopularModesHandler(modesHub, stopping)),
    erasePlayer: serve(new ErasePlayerHandler(stores, modes, cache, new WriteClock(), clock)),
  });
}
