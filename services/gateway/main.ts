import { Authorizer } from '../access/authorizer.js';
import { KeyVerifier } from '../access/key-verifier.js';
import { grpcPlayerDataOwners } from '../access/player-data-owners.js';
import { accessHandlers } from '../access/routes.js';
import { AccessKeyStore } from '../access/store.js';
import { authModeOrExit } from '../shared/access/protected-mode.js';
import { ResponseCache } from '../shared/cache.js';
import { connectCassandra } from '../shared/cassandra.js';
import { backendNames, loadConfig, type BackendName } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { ProcessMetrics, serveMetrics } from '../shared/metrics.js';
import { stopOnSignals } from '../shared/process.js';
import { startTracingFromEnv } from '../shared/tracing.js';
import { Admission } from './admission.js';
import { BackendChannel } from './backend-channel.js';
import { RequestLimits } from './rate-limits/request-limits.js';
import { SharedTokenBuckets } from './rate-limits/shared-buckets.js';
import { IngestEventsHandler } from '../ingest/handlers/ingest-events.js';
import { grpcEventOwners } from '../ingest/owners.js';
import { BackendHealthChecker } from './health.js';
import { InProcessIngest } from './in-process-ingest.js';
import { startGatewayServer } from './http-server.js';
import { HttpMetrics } from './http-metrics.js';
import { connectRoutes, forwardedProcedures, plainRoutes } from './routes.js';

const config = loadConfig();
const stopTracing = startTracingFromEnv('gateway');
const logger = createLogger('gateway', config.logLevel);
const authMode = authModeOrExit(config, logger);
const addresses = Object.fromEntries(backendNames.map((name) => [name, config.services[name].address])) as Record<BackendName, string>;
const channels = Object.fromEntries(
  backendNames.map((name) => [name, new BackendChannel(addresses[name], config.gateway.defaultDeadlineMs, config.serviceCredential)]),
) as Record<BackendName, BackendChannel>;
const health = new BackendHealthChecker(addresses);
const owners = grpcEventOwners(config);
const playerData = grpcPlayerDataOwners(config);
const ingest = new InProcessIngest(new IngestEventsHandler(owners), config.gateway.defaultDeadlineMs);
// Read only to learn which shared answers are still current (the services renew their generations).
const generations = new ResponseCache(config.redis.url, logger, `${config.cassandra.keyspace}:`);
// The gateway verifies callers' keys, so it holds the key tables' store (and serves AccessService).
const cassandra = await connectCassandra(config.cassandra, logger);
const keys = new AccessKeyStore(cassandra);
const buckets = new SharedTokenBuckets(config.redis.url, logger, `${config.cassandra.keyspace}:rate:`);
await buckets.whenConnected(2000);
const admission = new Admission(new Authorizer(authMode, new KeyVerifier(keys)), new RequestLimits(buckets, config.gateway.rateLimits));
const stopping = new AbortController();
const metrics = new ProcessMetrics('gateway');
const metricsEndpoint = await serveMetrics(metrics, config.host, config.metricsPorts.gateway, logger);

const gateway = await startGatewayServer({
  limits: config.gateway,
  connectRoutes: connectRoutes(channels, {
    handlers: accessHandlers(keys, playerData),
    defaultDeadlineMs: config.gateway.defaultDeadlineMs,
    logger,
  }),
  plainRoutes: plainRoutes(health, channels, ingest, config.gateway, generations, stopping.signal),
  admission,
  logger,
  metrics: new HttpMetrics(metrics.registry, forwardedProcedures()),
});
logger.info({ backends: addresses, auth: authMode }, 'forwarding to backends');

stopOnSignals(async () => {
  // Not ready from now on (/healthz answers 503), and still serving a while: the load balancer moves away first.
  health.draining = true;
  await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
  stopping.abort();
  await gateway.close();
  await metricsEndpoint.close();
  generations.close();
  buckets.close();
  for (const channel of Object.values(channels)) channel.close();
  owners.close();
  playerData.close();
  health.close();
  await cassandra.shutdown();
  await stopTracing?.();
}, logger);
