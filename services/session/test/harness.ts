import type { CassandraClient } from '../../shared/cassandra.js';
import { createServiceClient, type ServiceClient } from '../../shared/grpc-client.js';
import type { Clock } from '../../shared/time.js';
import { SessionServiceDefinition } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { startInProcess } from '../../../test/support/service-harness.js';
import { sessionRoutes } from '../routes.js';

/** The session service on a real gRPC server (free port) over the real Cassandra and a given Redis. */
export interface SessionHarness {
  client: ServiceClient<typeof SessionServiceDefinition>;
  cassandra: CassandraClient;
  /** Calls one of the client's unary methods (`harness.call(harness.client.countSessionStarts, request)`). */
  call<Req, Res>(method: (request: Req) => Promise<Res>, request: Req): Promise<Res>;
  stop(): Promise<void>;
}

export async function startSessionService(
  clock: Clock,
  keyspace: string,
  redisUrl?: string,
  options: { modeIdleSeconds?: number } = {},
): Promise<SessionHarness> {
  const running = await startInProcess((context) => sessionRoutes(context, clock), { keyspace, redisUrl, ...options });
  const client = createServiceClient(SessionServiceDefinition, running.address);
  return {
    client,
    cassandra: running.cassandra,
    call: (method, request) => method(request),
    stop: async () => {
      client.close();
      await running.stop();
    },
  };
}
