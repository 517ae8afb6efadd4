import { cassandraAnswers, connectCassandra, type CassandraClient } from './cassandra.js';
import { ResponseCache } from './cache.js';
import { loadConfig, type BackendName, type Config } from './config.js';
import { authModeOrExit } from './access/protected-mode.js';
import { ServiceCredential } from './access/service-credential.js';
import { startGrpcServer, type HostedService } from './grpc-server.js';
import { createLogger, type Logger } from './logger.js';
import { ProcessMetrics, serveMetrics } from './metrics.js';
import { startTracingFromEnv } from './tracing.js';
import { stopOnSignals } from './process.js';

/** What a service's routes may depend on; each is created once per process. */
export interface ServiceContext {
  config: Config;
  logger: Logger;
  cassandra: CassandraClient;
  cache: ResponseCache;
  /** Registers clean-up to run after the server stopped (e.g. closing gRPC clients to other services). */
  onClose: (close: () => void | Promise<void>) => void;
  /** Aborted when shutdown begins: long-lived streams end on it so that in-flight calls can drain. */
  stopping: AbortSignal;
}

export interface ServiceSpec {
  name: BackendName;
  /** Whether the service reads or writes Cassandra and Redis itself (ingest only forwards). */
  usesStorage: boolean;
  services(context: ServiceContext): HostedService[];
}

/** Boots a backend service process: config, logger, storage clients, gRPC server, graceful shutdown. */
export async function runService(spec: ServiceSpec): Promise<void> {
  const config = loadConfig();
  const stopTracing = startTracingFromEnv(spec.name);
  const logger = createLogger(spec.name, config.logLevel);
  const authMode = authModeOrExit(config, logger);
  const onClose: Array<() => void | Promise<void>> = [];
  const stopping = new AbortController();
  let cassandra: CassandraClient | undefined;
  let cache: ResponseCache | undefined;
  if (spec.usesStorage) {
    cassandra = await connectCassandra(config.cassandra, logger);
    cache = new ResponseCache(config.redis.url, logger, `${config.cassandra.keyspace}:`);
    onClose.push(
      () => cache!.close(),
      () => cassandra!.shutdown(),
    );
  }
  const missing = (what: string) => new Error(`${spec.name} declared usesStorage: false but asked for ${what}`);
  const context: ServiceContext = {
    config,
    logger,
    get cassandra() {
      if (!cassandra) throw missing('Cassandra');
      return cassandra;
    },
    get cache() {
      if (!cache) throw missing('the Redis cache');
      return cache;
    },
    onClose: (close) => void onClose.unshift(close),
    stopping: stopping.signal,
  };
  const server = await startGrpcServer({
    host: config.host,
    port: config.services[spec.name].port,
    services: spec.services(context),
    serviceCredential: config.serviceCredential ? new ServiceCredential(config.serviceCredential) : undefined,
    authMode,
    logger,
    stopping,
    onClose,
    shutdownDelayMs: config.shutdownDelayMs,
  });
  const metrics = await serveMetrics(new ProcessMetrics(spec.name), config.host, config.metricsPorts[spec.name], logger);
  const storageWatch = cassandra ? watchStorage(cassandra, server.setServing, logger) : undefined;
  stopOnSignals(async () => {
    clearInterval(storageWatch);
    await server.shutdown();
    await metrics.close();
    await stopTracing?.();
  }, logger);
}

const STORAGE_CHECK_INTERVAL_MS = 2000;

/** Keeps the process's health in step with its storage: NOT_SERVING while Cassandra does not answer. */
function watchStorage(cassandra: CassandraClient, setServing: (serving: boolean) => void, logger: Logger): NodeJS.Timeout {
  let serving = true;
  let checking = false;
  const check = async () => {
    checking = true;
    const answers = await cassandraAnswers(cassandra, STORAGE_CHECK_INTERVAL_MS / 2);
    checking = false;
    if (answers === serving) return;
    serving = answers;
    setServing(serving);
    if (serving) logger.info('storage answers again; serving');
    else logger.warn('storage does not answer; NOT_SERVING until it does');
  };
  const timer = setInterval(() => {
    if (!checking) void check();
  }, STORAGE_CHECK_INTERVAL_MS);
  timer.unref();
  return timer;
}
