import { createServer, type Server, type ServiceImplementation, type TsProtoServiceDefinition } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import type { CallContext } from './handler.js';
import type { Logger } from './logger.js';
import { accessControl } from './access/server-access.js';
import type { AuthMode } from './access/caller.js';
import type { ServiceCredential } from './access/service-credential.js';
import { serviceDescriptors } from './reflection.js';
import { callHandling, exposeDeadline } from './server-middleware.js';

/** The health-check service name that answers SERVING while the process runs, whatever its storage does. */
export const LIVENESS_SERVICE = 'liveness';

/** One gRPC service hosted by a process: its generated definition and its handlers, which see a CallContext. */
export interface HostedService {
  definition: TsProtoServiceDefinition;
  implementation: ServiceImplementation<TsProtoServiceDefinition, Pick<CallContext, 'deadline'>>;
}

/** Pairs a generated definition with its implementation, checking one against the other. */
export function hosted<D extends TsProtoServiceDefinition>(
  definition: D,
  implementation: ServiceImplementation<D, Pick<CallContext, 'deadline'>>,
): HostedService {
  return { definition, implementation };
}

/**
 * A client connection lives at most about 5 minutes (grpc-js adds ±10%): then the server asks the client to reconnect,
 * letting calls under way finish (live feeds too), and the client resolves the service's name again on the way, so
 * that replicas added since (a scale-up behind a headless Service) receive calls within minutes, not never.
 */
const CONNECTION_LIFETIME = { 'grpc.max_connection_age_ms': 300_000 };

export interface GrpcServerOptions {
  host: string;
  port: number;
  services: HostedService[];
  logger: Logger;
  /** Aborted when shutdown begins, so that long-lived streams can end and let the drain finish. */
  stopping?: AbortController;
  /**
   * The credential the internal RPCs answer to (and, when `authMode` is required, every RPC); absent (a test's own
   * server): they answer to anyone.
   */
  serviceCredential?: ServiceCredential;
  authMode?: AuthMode;
  /** Runs after the server stopped, e.g. to close the Cassandra client. */
  onClose?: Array<() => void | Promise<void>>;
  /** How long shutdown reports the server not ready before it stops taking calls (Config.shutdownDelayMs). */
  shutdownDelayMs?: number;
}

export interface RunningGrpcServer {
  port: number;
  /** Whether the process can serve its calls now (its storage reachable): the overall health, service "". */
  setServing: (serving: boolean) => void;
  /**
   * Reports not ready, waits `shutdownDelayMs`, stops taking calls, lets in-flight calls finish (up to `graceMs`), then
   * runs `onClose`.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/**
 * Starts a nice-grpc server with the services plus grpc.health.v1 and server reflection; every call is counted and
 * timed (`grpc_server_*` metrics), logged, its errors mapped to statuses and its deadline handed to the handler
 * (server-middleware.ts). The process's overall
 * health ("") and each service's are SERVING until shutdown begins.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { logger } = options;
  const names = options.services.map((service) => service.definition.fullName);
  const handled = createServer({ interceptors: [exposeDeadline], ...CONNECTION_LIFETIME }).use(callHandling(logger));
  const server = options.serviceCredential
    ? handled.use(accessControl(options.serviceCredential, options.authMode ?? 'optional'))
    : handled;
  for (const service of options.services) server.add(service.definition, service.implementation);

  // "" and each service: ready to serve (readiness). LIVENESS_SERVICE: the process runs and answers (liveness), so
  // that an orchestrator does not restart replicas whose storage is down.
  const health = HealthState();
  for (const name of [LIVENESS_SERVICE, ...names]) health.setStatus('healthy', name);
  server.add(HealthDefinition, HealthServiceImpl(health));
  server.add(
    ServerReflectionService,
    ServerReflection(serviceDescriptors(), [...names, HealthDefinition.fullName, 'grpc.reflection.v1.ServerReflection']),
  );

  const port = await server.listen(`${options.host}:${options.port}`);
  logger.info({ port, services: names }, 'gRPC server listening');

  let shuttingDown: Promise<void> | undefined;
  const setReadiness = (status: 'healthy' | 'unhealthy') => {
    health.setStatus(status);
    for (const name of names) health.setStatus(status, name);
  };
  const setServing = (serving: boolean) => {
    if (!shuttingDown) setReadiness(serving ? 'healthy' : 'unhealthy');
  };
  const shutdown = (graceMs = 10_000): Promise<void> => {
    shuttingDown ??= (async () => {
      setReadiness('unhealthy');
      if (options.shutdownDelayMs) await new Promise((resolve) => setTimeout(resolve, options.shutdownDelayMs));
      health.setStatus('unhealthy', LIVENESS_SERVICE);
      options.stopping?.abort();
      await drain(server, graceMs, logger);
      for (const close of options.onClose ?? []) await close();
      logger.info('stopped');
    })();
    return shuttingDown;
  };
  return { port, setServing, shutdown };
}

function drain(server: Server, graceMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ graceMs }, 'in-flight calls did not finish in time; cancelling them');
      server.forceShutdown();
      resolve();
    }, graceMs);
    const drained = () => {
      clearTimeout(timer);
      resolve();
    };
    server.shutdown().then(drained, drained);
  });
}
