import { credentials, type ServiceError } from '@grpc/grpc-js';
import { connectCassandra, type CassandraClient } from '../../shared/cassandra.js';
import { ResponseCache } from '../../shared/cache.js';
import { startGrpcServer, type RunningGrpcServer } from '../../shared/grpc-server.js';
import { createLogger } from '../../shared/logger.js';
import type { Clock } from '../../shared/time.js';
import { SessionServiceClient } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { testConfig } from '../../../test/support/env.js';
import { sessionRoutes } from '../routes.js';

/** The session service on a real gRPC server (free port) over the real Cassandra and a given Redis. */
export interface SessionHarness {
  client: SessionServiceClient;
  cassandra: CassandraClient;
  call<Req, Res>(method: (req: Req, cb: (error: ServiceError | null, res: Res) => void) => unknown, request: Req): Promise<Res>;
  stop(): Promise<void>;
}

export async function startSessionService(clock: Clock, redisUrl = testConfig().redis.url): Promise<SessionHarness> {
  const config = testConfig();
  const logger = createLogger('session-test', 'silent');
  const cassandra = await connectCassandra(config.cassandra, logger);
  const cache = new ResponseCache(redisUrl, logger, `${config.cassandra.keyspace}:`);
  const closers: Array<() => Promise<void>> = [];
  const server: RunningGrpcServer = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    services: [
      sessionRoutes(
        { config, logger, cassandra, cache, onClose: (c) => void closers.push(c), stopping: new AbortController().signal },
        clock,
      ),
    ],
    logger,
    onClose: [() => cache.close(), () => cassandra.shutdown()],
  });
  const client = new SessionServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  return {
    client,
    cassandra,
    call: (method, request) =>
      new Promise((resolve, reject) =>
        method.call(client, request, (error, response) => (error ? reject(error) : resolve(response))),
      ),
    stop: async () => {
      client.close();
      await server.shutdown(1000);
    },
  };
}
