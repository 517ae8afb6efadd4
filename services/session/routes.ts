import { unary, withUnimplemented } from '../shared/rpc.js';
import type { HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { TokenSigner } from '../shared/signed-token.js';
import { systemClock } from '../shared/time.js';
import { SessionServiceService, protobufPackage } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import { CountSessionStartsHandler } from './handlers/count-session-starts.js';
import { ListCompletedSessionsHandler } from './handlers/list-completed-sessions.js';
import { ListSessionStartsHandler } from './handlers/list-session-starts.js';
import { RecordSessionEventsHandler } from './handlers/record-session-events.js';
import { SessionStore } from './store.js';

/** The SessionService RPCs, each served by its handler; RPCs of issues not landed yet answer UNIMPLEMENTED. */
export function sessionRoutes({ config, cassandra, cache, logger }: ServiceContext, clock = systemClock): HostedService {
  const store = new SessionStore(cassandra);
  return {
    name: `${protobufPackage}.SessionService`,
    definition: SessionServiceService,
    implementation: withUnimplemented(SessionServiceService, {
      recordSessionEvents: unary(new RecordSessionEventsHandler(store, cache, clock), logger),
      countSessionStarts: unary(new CountSessionStartsHandler(store, cache, clock), logger),
      listSessionStarts: unary(new ListSessionStartsHandler(store, new TokenSigner(config.tokenSecret), clock), logger),
      listCompletedSessions: unary(new ListCompletedSessionsHandler(store), logger),
    }),
  };
}
