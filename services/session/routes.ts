import { withUnimplemented } from '../shared/rpc.js';
import type { HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { SessionServiceService, protobufPackage } from '../../gen/ts-proto/gamepulse/session/v1/session.js';

/** The SessionService RPCs, each served by its handler; RPCs of issues not landed yet answer UNIMPLEMENTED. */
export function sessionRoutes(_context: ServiceContext): HostedService {
  return {
    name: `${protobufPackage}.SessionService`,
    definition: SessionServiceService,
    implementation: withUnimplemented(SessionServiceService, {}),
  };
}
