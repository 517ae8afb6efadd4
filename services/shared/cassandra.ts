import cassandra from 'cassandra-driver';
import { CassandraDriverMetrics } from './cassandra-metrics.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { inChildSpan, SpanKind, tracingEnabled } from './tracing.js';

export type CassandraClient = cassandra.Client;

/** The process's one long-lived Cassandra client, connected to the configured keyspace. */
export async function connectCassandra(config: Config['cassandra'], logger: Logger): Promise<CassandraClient> {
  const client = new cassandra.Client({
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    keyspace: config.keyspace,
    queryOptions: { prepare: true, consistency: consistencyOf(config.consistency) },
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 2 } },
    // A stalled node must fail a statement (storage unavailable, retry) well within the callers' deadlines.
    socketOptions: { readTimeout: config.requestTimeoutMs, connectTimeout: Math.min(5000, config.requestTimeoutMs) },
    metrics: new CassandraDriverMetrics(),
  });
  await client.connect();
  logger.info({ contactPoints: config.contactPoints, keyspace: config.keyspace }, 'connected to Cassandra');
  if (tracingEnabled()) traceStatements(client, config.keyspace);
  return client;
}

/**
 * A span for every statement and batch the client runs within a trace (the stores use their promise forms only;
 * the driver's executeConcurrent goes through execute too). Installed only while tracing is on, so an untraced process
 * pays nothing.
 */
function traceStatements(client: CassandraClient, keyspace: string): void {
  const execute = client.execute.bind(client);
  const batch = client.batch.bind(client);
  const attributes = (statement: string) => ({
    'db.system': 'cassandra',
    'db.namespace': keyspace,
    'db.query.text': statement.slice(0, 300),
  });
  client.execute = ((query: string, params?: unknown, options?: cassandra.QueryOptions) =>
    inChildSpan(`cassandra ${query.trimStart().split(/\s/, 1)[0].toUpperCase()}`, SpanKind.CLIENT, attributes(query), () =>
      execute(query, params as cassandra.ArrayOrObject, options),
    )) as CassandraClient['execute'];
  client.batch = ((queries: Array<string | { query: string; params?: cassandra.ArrayOrObject }>, options?: cassandra.QueryOptions) =>
    inChildSpan('cassandra BATCH', SpanKind.CLIENT, attributes(`${queries.length} statements`), () =>
      batch(queries, options),
    )) as CassandraClient['batch'];
}

/** The driver's consistency level of a name such as `localQuorum`, `quorum` or `one` (CASSANDRA_CONSISTENCY). */
export function consistencyOf(name: string): cassandra.types.consistencies {
  const levels = cassandra.types.consistencies as unknown as Record<string, number>;
  const level = levels[name];
  if (typeof level !== 'number') {
    const known = Object.keys(levels).filter((key) => typeof levels[key] === 'number');
    throw new Error(`CASSANDRA_CONSISTENCY must be one of ${known.join(', ')}, got "${name}"`);
  }
  return level;
}

/** Whether the cluster answers a trivial read within `timeoutMs`. */
export async function cassandraAnswers(client: CassandraClient, timeoutMs: number): Promise<boolean> {
  try {
    await client.execute('SELECT release_version FROM system.local', [], { readTimeout: timeoutMs, isIdempotent: true });
    return true;
  } catch {
    return false;
  }
}
