// Before any suite: the test keyspace has every service's schema. The test command has already started Cassandra
// and Redis and built dist/ (scripts/test.sh).
import { join } from 'node:path';
import { loadConfig } from '../../services/shared/config.js';
import { createLogger } from '../../services/shared/logger.js';
import { findMigrations, migrate } from '../../services/shared/migrate.js';
import { repoRoot } from '../../services/shared/repo-root.js';
import { testKeyspace } from './env.js';

export default async function setup(): Promise<void> {
  const config = loadConfig({ ...process.env, CASSANDRA_KEYSPACE: testKeyspace });
  await migrate(config.cassandra, findMigrations(join(repoRoot(), 'services')), createLogger('test-setup', 'warn'));
}
