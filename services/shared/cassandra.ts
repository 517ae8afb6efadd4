import cassandra from 'cassandra-driver';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export type CassandraClient = cassandra.Client;

/** The process's one long-lived Cassandra client, connected to the configured keyspace. */
export async function connectCassandra(config: Config['cassandra'], logger: Logger): Promise<CassandraClient> {
  const client = new cassandra.Client({
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    keyspace: config.keyspace,
    queryOptions: { prepare: true, consistency: cassandra.types.consistencies.localQuorum },
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 2 } },
  });
  await client.connect();
  logger.info({ contactPoints: config.contactPoints, keyspace: config.keyspace }, 'connected to Cassandra');
  return client;
}
