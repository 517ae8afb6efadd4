import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { createLogger } from '../../services/shared/logger.js';
import { findMigrations, migrate } from '../../services/shared/migrate.js';
import type { BackendName, ProcessName } from '../../services/shared/config.js';
import { repoRoot } from '../../services/shared/repo-root.js';
import { startStack, type RunningStack } from '../../scripts/launcher.js';
import { freePorts, testConfig } from './env.js';

/** A keyspace of the test's own with every service's schema, so that its counts hold only its events. */
export async function createIsolatedKeyspace(name: string): Promise<{ keyspace: string; drop: () => Promise<void> }> {
  // Unique per run (a keyspace left by a crashed run is never reused): letters, digits and _ only.
  const keyspace = `gp_${name}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const config = { ...testConfig().cassandra, keyspace };
  await migrate(config, findMigrations(join(repoRoot(), 'services')), createLogger('test', 'warn'));
  return {
    keyspace,
    drop: async () => {
      const admin = new cassandra.Client({ contactPoints: config.contactPoints, localDataCenter: config.localDataCenter });
      await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await admin.shutdown();
    },
  };
}

/**
 * Every service and the gateway as processes on free ports (`replicas`: that many of a backend, balanced), over an
 * isolated keyspace dropped on stop (unless
 * `keepKeyspace`: the node-loss test's cluster is new each run, and Cassandra 5 can fail to drop a keyspace on a node
 * that missed writes while down).
 */
export async function startIsolatedStack(
  name: string,
  env: NodeJS.ProcessEnv = {},
  {
    keepKeyspace = false,
    nodeArgs,
    replicas = {},
  }: { keepKeyspace?: boolean; nodeArgs?: (name: ProcessName) => string[]; replicas?: Partial<Record<BackendName, number>> } = {},
): Promise<RunningStack & { keyspace: string }> {
  const { keyspace, drop } = await createIsolatedKeyspace(name);
  const [ingest, session, reaction, games, gateway, ...metrics] = await freePorts(10);
  const extraReplicas = await Promise.all(
    Object.entries(replicas).map(async ([backend, count]) => {
      const free = await freePorts(2 * (count - 1));
      return [backend, Array.from({ length: count - 1 }, (_, i) => ({ port: free[2 * i], metrics: free[2 * i + 1] }))] as const;
    }),
  );
  const stack = await startStack({
    ports: {
      ingest,
      session,
      reaction,
      games,
      gateway,
      metrics: { ingest: metrics[0], session: metrics[1], reaction: metrics[2], games: metrics[3], gateway: metrics[4] },
      replicas: Object.fromEntries(extraReplicas),
    },
    env: { CASSANDRA_KEYSPACE: keyspace, LOG_LEVEL: 'warn', ...env },
    output: 'ignore',
    nodeArgs,
  });
  return {
    keyspace,
    ports: stack.ports,
    processes: stack.processes,
    replicas: stack.replicas,
    stop: async () => {
      await stack.stop();
      if (!keepKeyspace) await drop();
    },
  };
}
