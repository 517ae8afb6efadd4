import { connectCassandra, type CassandraClient } from '../../services/shared/cassandra.js';
import { ResponseCache } from '../../services/shared/cache.js';
import { startGrpcServer, type HostedService } from '../../services/shared/grpc-server.js';
import { createLogger } from '../../services/shared/logger.js';
import type { ServiceContext } from '../../services/shared/service.js';
import { testConfig } from './env.js';

export interface InProcessService<S extends HostedService> {
  /** 127.0.0.1:port of the real gRPC server. */
  address: string;
  service: S;
  cassandra: CassandraClient;
  stop(): Promise<void>;
}

/**
 * A service's routes on a real gRPC server (free port) in the test's process, over the real Cassandra (the given
 * keyspace, see createIsolatedKeyspace) and Redis, as its main.ts would wire them, so a test can fix the clock.
 */
export async function startInProcess<S extends HostedService>(
  routes: (context: ServiceContext) => S,
  options: { keyspace: string; redisUrl?: string; modeIdleSeconds?: number },
): Promise<InProcessService<S>> {
  const base = testConfig();
  const config = {
    ...base,
    cassandra: { ...base.cassandra, keyspace: options.keyspace },
    modeIdleSeconds: options.modeIdleSeconds ?? base.modeIdleSeconds,
  };
  const redisUrl = options.redisUrl ?? base.redis.url;
  const logger = createLogger('test', 'silent');
  const cassandra = await connectCassandra(config.cassandra, logger);
  const cache = new ResponseCache(redisUrl, logger, `${config.cassandra.keyspace}:`);
  const closers: Array<() => void | Promise<void>> = [];
  const stopping = new AbortController();
  const service = routes({ config, logger, cassandra, cache, onClose: (c) => void closers.push(c), stopping: stopping.signal });
  const server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    services: [service],
    logger,
    stopping,
    onClose: [...closers, () => cache.close(), () => cassandra.shutdown()],
  });
  return { address: `127.0.0.1:${server.port}`, service, cassandra, stop: () => server.shutdown(1000) };
}
