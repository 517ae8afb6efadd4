import { unary, withUnimplemented } from '../shared/rpc.js';
import type { HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { IngestServiceService, protobufPackage } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { IngestEventsHandler } from './handlers/ingest-events.js';
import { grpcEventOwners } from './owners.js';

/** The IngestService RPCs, each served by its handler. */
export function ingestRoutes({ config, logger, onClose }: ServiceContext): HostedService {
  const owners = grpcEventOwners(config.services);
  onClose(() => owners.close());
  return {
    name: `${protobufPackage}.IngestService`,
    definition: IngestServiceService,
    implementation: withUnimplemented(IngestServiceService, {
      ingestEvents: unary(new IngestEventsHandler(owners), logger),
    }),
  };
}
