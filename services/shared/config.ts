// Configuration from environment variables, with defaults that work on a developer's machine.
import { grpcTarget } from './service-address.js';

export interface Config {
  logLevel: string;
  /**
   * On SIGTERM a process first reports itself not ready, then waits this long before it stops taking calls, so that
   * its callers (readiness probes, DNS of a headless Service) move away first (GAMEPULSE_SHUTDOWN_DELAY_MS; 0 locally).
   */
  shutdownDelayMs: number;
  cassandra: {
    contactPoints: string[];
    localDataCenter: string;
    keyspace: string;
    replicationFactor: number;
    /** How long one statement may take before it fails as storage unavailable (the driver's read timeout). */
    requestTimeoutMs: number;
    /** Consistency of reads and writes: a driver name such as localQuorum, quorum or one. */
    consistency: string;
  };
  redis: { url: string };
  /** Where each gRPC service listens (its own port) and where the others reach it. */
  services: Record<BackendName, { port: number; address: string }>;
  gateway: GatewayConfig;
  /** Where each process serves its Prometheus metrics (`GET /metrics`); 0: a port the OS picks (logged). */
  metricsPorts: Record<ProcessName, number>;
  host: string;
  /**
   * The secret the processes share to call each other's internal RPCs (owners' writes answer only to it); every
   * process of a deployment must have the same. Unset: internal RPCs answer to anyone who reaches the port.
   */
  serviceCredential: string | undefined;
  /**
   * GAMEPULSE_AUTH: `on` (API keys required at the gateway, the service credential on every call between services),
   * `off` (nothing asked; logged as a warning), or unset: keys optional on loopback, and a process bound to any
   * other address refuses to start (protected-mode.ts).
   */
  auth: 'on' | 'off' | undefined;
  /** Signs page tokens; every replica of a service must share it. */
  tokenSecret: string;
  /** A user with no mode event for this long is no longer active in any mode. */
  modeIdleSeconds: number;
  /** The Connect-4 board games are validated on: `connect` discs in a row win. */
  connect4Board: { columns: number; rows: number; connect: number };
}

/** The gateway's port and the bounds on what one caller can hold or send. */
export interface GatewayConfig {
  port: number;
  host: string;
  /** Largest request body of an RPC or a plain route (bulk imports stream with their own cap). */
  maxBodyBytes: number;
  /** Deadline of a forwarded call whose caller sent none, and of every plain HTTP route. */
  defaultDeadlineMs: number;
  /** Time a client has to send a request's headers, from the connection's first byte. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request. */
  requestTimeoutMs: number;
  /** How long an HTTP/1.1 connection may wait for its next request. */
  keepAliveTimeoutMs: number;
  /** A connection (or HTTP/2 session) with no traffic at all for this long is closed. */
  idleTimeoutMs: number;
  /** Connections held at once; more are closed as they arrive. */
  maxConnections: number;
  /** Origins of the web pages that may call the gateway from a browser, besides its own (none by default). */
  corsOrigins: string[];
  rateLimits: RateLimits;
}

/** Requests per second (and at most at once) the gateway takes from each API key and each client address. */
export interface RateLimits {
  perKey: { perSecond: number; burst: number };
  perAddress: { perSecond: number; burst: number };
  /** Whether loopback addresses are limited too (not by default: callers on the machine itself). */
  limitLoopback: boolean;
}

export type BackendName = 'ingest' | 'session' | 'reaction' | 'games';
export const backendNames: readonly BackendName[] = ['ingest', 'session', 'reaction', 'games'];
export type ProcessName = BackendName | 'gateway';
export const processNames: readonly ProcessName[] = [...backendNames, 'gateway'];

const defaultPorts: Record<BackendName, number> = { ingest: 50051, session: 50052, reaction: 50053, games: 50054 };
const defaultMetricsPorts: Record<ProcessName, number> = { gateway: 9460, ingest: 9461, session: 9462, reaction: 9463, games: 9464 };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = env.GAMEPULSE_HOST ?? '127.0.0.1';
  const services = Object.fromEntries(
    backendNames.map((name) => {
      const upper = name.toUpperCase();
      const port = readPort(env, `${upper}_PORT`, defaultPorts[name]);
      const address = env[`${upper}_ADDR`] ?? `127.0.0.1:${port}`;
      // Checked here, so that a malformed list of replicas stops a process at start with what is wrong.
      grpcTarget(address);
      return [name, { port, address }];
    }),
  ) as Config['services'];
  return {
    logLevel: env.LOG_LEVEL ?? 'info',
    shutdownDelayMs: readInt(env, 'GAMEPULSE_SHUTDOWN_DELAY_MS', 0),
    cassandra: {
      contactPoints: (env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042').split(',').map((s) => s.trim()),
      localDataCenter: env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
      keyspace: env.CASSANDRA_KEYSPACE ?? 'gamepulse',
      replicationFactor: readInt(env, 'CASSANDRA_REPLICATION_FACTOR', 1),
      requestTimeoutMs: readInt(env, 'CASSANDRA_REQUEST_TIMEOUT_MS', 4000),
      consistency: env.CASSANDRA_CONSISTENCY ?? 'localQuorum',
    },
    redis: { url: env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    services,
    gateway: {
      port: readPort(env, 'GATEWAY_PORT', 8080),
      host,
      maxBodyBytes: readInt(env, 'GATEWAY_MAX_BODY_BYTES', 1 << 20),
      defaultDeadlineMs: readInt(env, 'GATEWAY_DEADLINE_MS', 10_000),
      headersTimeoutMs: readInt(env, 'GATEWAY_HEADERS_TIMEOUT_MS', 10_000),
      requestTimeoutMs: readInt(env, 'GATEWAY_REQUEST_TIMEOUT_MS', 60_000),
      keepAliveTimeoutMs: readInt(env, 'GATEWAY_KEEPALIVE_TIMEOUT_MS', 5_000),
      idleTimeoutMs: readInt(env, 'GATEWAY_IDLE_TIMEOUT_MS', 60_000),
      maxConnections: readInt(env, 'GATEWAY_MAX_CONNECTIONS', 1024),
      corsOrigins: readOrigins(env, 'GAMEPULSE_CORS_ORIGINS'),
      rateLimits: {
        perKey: readRate(env, 'GAMEPULSE_KEY_RATE', { perSecond: 2000, burst: 4000 }),
        perAddress: readRate(env, 'GAMEPULSE_ADDRESS_RATE', { perSecond: 500, burst: 1000 }),
        limitLoopback: env.GAMEPULSE_RATE_LIMIT_LOOPBACK === 'on',
      },
    },
    metricsPorts: Object.fromEntries(
      processNames.map((name) => [name, readPort(env, `${name.toUpperCase()}_METRICS_PORT`, defaultMetricsPorts[name])]),
    ) as Config['metricsPorts'],
    host,
    serviceCredential: env.GAMEPULSE_SERVICE_CREDENTIAL || undefined,
    auth: readAuth(env),
    // The local default is fine on loopback; deployments set their own (k8s: a Secret).
    tokenSecret: env.GAMEPULSE_TOKEN_SECRET || 'gamepulse-local-token-secret',
    modeIdleSeconds: readInt(env, 'MODE_IDLE_SECONDS', 7200),
    connect4Board: readBoard(env),
  };
}

function readBoard(env: NodeJS.ProcessEnv): Config['connect4Board'] {
  const columns = readInt(env, 'CONNECT4_COLUMNS', 4);
  const rows = readInt(env, 'CONNECT4_ROWS', 4);
  const connect = readInt(env, 'CONNECT4_CONNECT', 4);
  if (columns < 1 || columns > 32 || rows < 1 || rows > 32)
    throw new Error(`CONNECT4_COLUMNS and CONNECT4_ROWS must be 1 to 32, got ${columns} × ${rows}`);
  if (connect < 2 || connect > Math.max(columns, rows))
    throw new Error(`CONNECT4_CONNECT must be 2 to ${Math.max(columns, rows)}, got ${connect}`);
  return { columns, rows, connect };
}

/** `<per second>` or `<per second>/<burst>` (burst: twice the rate when not given). */
function readRate(env: NodeJS.ProcessEnv, name: string, fallback: RateLimits['perKey']): RateLimits['perKey'] {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d{1,7})(?:\/(\d{1,8}))?$/.exec(raw);
  const perSecond = Number(match?.[1]);
  const burst = match?.[2] === undefined ? perSecond * 2 : Number(match[2]);
  if (!match || perSecond < 1 || burst < 1)
    throw new Error(`${name} must be <requests per second>[/<burst>], both at least 1, got "${raw.slice(0, 30)}"`);
  return { perSecond, burst };
}

function readAuth(env: NodeJS.ProcessEnv): Config['auth'] {
  const value = env.GAMEPULSE_AUTH;
  if (value === undefined || value === '') return undefined;
  if (value === 'on' || value === 'off') return value;
  throw new Error(`GAMEPULSE_AUTH must be on or off (or unset), got "${value.slice(0, 20)}"`);
}

/** A comma-separated list of origins (`https://live-ops.example.com,http://localhost:5173`), each exactly so. */
function readOrigins(env: NodeJS.ProcessEnv, name: string): string[] {
  const origins = (env[name] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s*]+$/.test(origin)) {
      throw new Error(`${name} lists origins as scheme://host[:port] with no path or wildcard, got "${origin.slice(0, 100)}"`);
    }
  }
  return origins;
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
