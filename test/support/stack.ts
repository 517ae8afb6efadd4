import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { createLogger } from '../../services/shared/logger.js';
import { findMigrations, migrate } from '../../services/shared/migrate.js';
import { repoRoot } from '../../services/shared/repo-root.js';
import { startStack, type RunningStack } from '../../scripts/launcher.js';
import { freePorts, testConfig } from './env.js';

/**
 * Every service and the gateway as processes on free ports, over a keyspace of their own (migrated here, dropped
 * on stop) so that counts in the test's windows hold only the test's events.
 */
export async function startIsolatedStack(name: string): Promise<RunningStack & { keyspace: string }> {
  const keyspace = `gamepulse_${name}_${process.pid}`;
  const cassandraConfig = { ...testConfig().cassandra, keyspace };
  await migrate(cassandraConfig, findMigrations(join(repoRoot(), 'services')), createLogger('test', 'warn'));
  const [ingest, session, reaction, games, gateway] = await freePorts(5);
  const stack = await startStack({
    ports: { ingest: ingest!, session: session!, reaction: reaction!, games: games!, gateway: gateway! },
    env: { CASSANDRA_KEYSPACE: keyspace, LOG_LEVEL: 'warn' },
    output: 'ignore',
  });
  return {
    keyspace,
    ports: stack.ports,
    stop: async () => {
      await stack.stop();
      const admin = new cassandra.Client({
        contactPoints: cassandraConfig.contactPoints,
        localDataCenter: cassandraConfig.localDataCenter,
      });
      await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await admin.shutdown();
    },
  };
}
