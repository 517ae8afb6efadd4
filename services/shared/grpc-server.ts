import {
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  status,
  type ServerInterceptor,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from './logger.js';
import { addReflection } from './reflection.js';

/** The health-check service name that answers SERVING while the process runs, whatever its storage does. */
export const LIVENESS_SERVICE = 'liveness';

/** One gRPC service hosted by a process. */
export interface HostedService {
  /** Full protobuf name, e.g. `gamepulse.session.v1.SessionService` (the name health checks use). */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  host: string;
  port: number;
  services: HostedService[];
  logger: Logger;
  /** Aborted when shutdown begins, so that long-lived streams can end and let the drain finish. */
  stopping?: AbortController;
  /** Runs after the server stopped, e.g. to close the Cassandra client. */
  onClose?: Array<() => void | Promise<void>>;
}

export interface RunningGrpcServer {
  port: number;
  /** Whether the process can serve its calls now (its storage reachable): the overall health, service "". */
  setServing: (serving: boolean) => void;
  /** Stops taking calls, lets in-flight calls finish (up to `graceMs`), then runs `onClose`. */
  shutdown(graceMs?: number): Promise<void>;
}

/**
 * Starts a @grpc/grpc-js server with the services plus grpc.health.v1, server reflection and request logging.
 * The process's overall health ("") and each service's are SERVING until shutdown begins.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { logger } = options;
  const server = new Server({ interceptors: [requestLogging(logger)] });
  for (const service of options.services) server.addService(service.definition, service.implementation);

  // "" and each service: ready to serve (readiness). LIVENESS_SERVICE: the process runs and answers (liveness), so
  // that an orchestrator does not restart replicas whose storage is down.
  const health = new HealthImplementation({ '': 'SERVING', [LIVENESS_SERVICE]: 'SERVING' });
  for (const service of options.services) health.setStatus(service.name, 'SERVING');
  health.addToServer(server);

  addReflection(server, [
    ...options.services.map((service) => service.name),
    'grpc.health.v1.Health',
    'grpc.reflection.v1.ServerReflection',
  ]);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  logger.info({ port, services: options.services.map((s) => s.name) }, 'gRPC server listening');

  let shuttingDown: Promise<void> | undefined;
  const setReadiness = (status: 'SERVING' | 'NOT_SERVING') => {
    health.setStatus('', status);
    for (const service of options.services) health.setStatus(service.name, status);
  };
  const setServing = (serving: boolean) => {
    if (!shuttingDown) setReadiness(serving ? 'SERVING' : 'NOT_SERVING');
  };
  const shutdown = (graceMs = 10_000): Promise<void> => {
    shuttingDown ??= (async () => {
      setReadiness('NOT_SERVING');
      health.setStatus(LIVENESS_SERVICE, 'NOT_SERVING');
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
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Logs every call once it ends: method, status and duration. Failed calls at warn level. */
function requestLogging(logger: Logger): ServerInterceptor {
  return (method, call) => {
    const started = process.hrtime.bigint();
    return new ServerInterceptingCall(call, {
      sendStatus: (callStatus, next) => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const entry = { method: method.path, code: status[callStatus.code], ms: Math.round(ms * 10) / 10 };
        if (callStatus.code === status.OK) logger.debug(entry, 'rpc');
        else logger.warn({ ...entry, details: callStatus.details }, 'rpc');
        next(callStatus);
      },
    });
  };
}
