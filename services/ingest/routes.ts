import { serve } from '../shared/handler.js';
import { hosted, type HostedService } from '../shared/grpc-server.js';
import type { ServiceContext } from '../shared/service.js';
import { IngestServiceDefinition } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { IngestEventsHandler } from './handlers/ingest-events.js';
import { grpcEventOwners } from './owners.js';

/** The IngestService RPCs, each served by its handler. */
export function ingestRoutes({ config, onClose }: ServiceContext): HostedService {
  const owners = grpcEventOwners(config);
  onClose(() => owners.close());
  return hosted(IngestServiceDefinition, {
    ingestEvents: serve(new IngestEventsHandler(owners)),
  });
}
