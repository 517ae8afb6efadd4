import { withUnimplemented } from '../shared/rpc.js';
import type { HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { GamesServiceService, protobufPackage } from '../../gen/ts-proto/gamepulse/games/v1/games.js';

/** The GamesService RPCs, each served by its handler; RPCs of issues not landed yet answer UNIMPLEMENTED. */
export function gamesRoutes(_context: ServiceContext): HostedService {
  return {
    name: `${protobufPackage}.GamesService`,
    definition: GamesServiceService,
    implementation: withUnimplemented(GamesServiceService, {}),
  };
}
