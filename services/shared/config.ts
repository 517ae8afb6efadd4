// Configuration from environment variables, with defaults that work on a developer's machine.

export interface Config {
  logLevel: string;
  cassandra: {
    contactPoints: string[];
    localDataCenter: string;
    keyspace: string;
    replicationFactor: number;
  };
  redis: { url: string };
  /** Where each gRPC service listens (its own port) and where the others reach it. */
  services: Record<BackendName, { port: number; address: string }>;
  gateway: { port: number; host: string };
  host: string;
}

export type BackendName = 'ingest' | 'session' | 'reaction' | 'games';
export const backendNames: readonly BackendName[] = ['ingest', 'session', 'reaction', 'games'];

const defaultPorts: Record<BackendName, number> = { ingest: 50051, session: 50052, reaction: 50053, games: 50054 };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = env.GAMEPULSE_HOST ?? '127.0.0.1';
  const services = Object.fromEntries(
    backendNames.map((name) => {
      const upper = name.toUpperCase();
      const port = readPort(env, `${upper}_PORT`, defaultPorts[name]);
      const address = env[`${upper}_ADDR`] ?? `127.0.0.1:${port}`;
      return [name, { port, address }];
    }),
  ) as Config['services'];
  return {
    logLevel: env.LOG_LEVEL ?? 'info',
    cassandra: {
      contactPoints: (env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042').split(',').map((s) => s.trim()),
      localDataCenter: env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
      keyspace: env.CASSANDRA_KEYSPACE ?? 'gamepulse',
      replicationFactor: readInt(env, 'CASSANDRA_REPLICATION_FACTOR', 1),
    },
    redis: { url: env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    services,
    gateway: { port: readPort(env, 'GATEWAY_PORT', 8080), host },
    host,
  };
}

function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const port = readInt(env, name, fallback);
  if (port < 0 || port > 65535) throw new Error(`${name} must be a port number (0-65535), got ${port}`);
  return port;
}
