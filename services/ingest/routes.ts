import { withUnimplemented } from '../shared/rpc.js';
import type { HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { IngestServiceService, protobufPackage } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';

/** The IngestService RPCs, each served by its handler; RPCs of issues not landed yet answer UNIMPLEMENTED. */
export function ingestRoutes(_context: ServiceContext): HostedService {
  return {
    name: `${protobufPackage}.IngestService`,
    definition: IngestServiceService,
    implementation: withUnimplemented(IngestServiceService, {}),
  };
}
