import { withUnimplemented } from '../shared/rpc.js';
import type { HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { ReactionServiceService, protobufPackage } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';

/** The ReactionService RPCs, each served by its handler; RPCs of issues not landed yet answer UNIMPLEMENTED. */
export function reactionRoutes(_context: ServiceContext): HostedService {
  return {
    name: `${protobufPackage}.ReactionService`,
    definition: ReactionServiceService,
    implementation: withUnimplemented(ReactionServiceService, {}),
  };
}
