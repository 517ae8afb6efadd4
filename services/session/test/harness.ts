import { credentials, type ServiceError } from '@grpc/grpc-js';
import type { CassandraClient } from '../../shared/cassandra.js';
import type { Clock } from '../../shared/time.js';
import { SessionServiceClient } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { callOf, startInProcess } from '../../../test/support/service-harness.js';
import { sessionRoutes } from '../routes.js';

/** The session service on a real gRPC server (free port) over the real Cassandra and a given Redis. */
export interface SessionHarness {
  client: SessionServiceClient;
  cassandra: CassandraClient;
  call<Req, Res>(method: (req: Req, cb: (error: ServiceError | null, res: Res) => void) => unknown, request: Req): Promise<Res>;
  stop(): Promise<void>;
}

export async function startSessionService(
  clock: Clock,
  keyspace: string,
  redisUrl?: string,
  options: { modeIdleSeconds?: number } = {},
): Promise<SessionHarness> {
  const running = await startInProcess((context) => sessionRoutes(context, clock), { keyspace, redisUrl, ...options });
  const client = new SessionServiceClient(running.address, credentials.createInsecure());
  return {
    client,
    cassandra: running.cassandra,
    call: callOf(client),
    stop: async () => {
      client.close();
      await running.stop();
    },
  };
}
