// Before any suite: the test keyspace has every service's schema, and no test port is taken. The test command has already started Cassandra
// and Redis and built dist/ (scripts/test.sh).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../services/shared/config.js';
import { createLogger } from '../../services/shared/logger.js';
import { findMigrations, migrate } from '../../services/shared/migrate.js';
import { repoRoot } from '../../services/shared/repo-root.js';
import { testKeyspace, testPortsDir } from './env.js';

export default async function setup(): Promise<void> {
  // A new run: every test port is free to hand out again (see freePorts).
  rmSync(testPortsDir, { recursive: true, force: true });
  const config = loadConfig({ ...process.env, CASSANDRA_KEYSPACE: testKeyspace });
  await migrate(config.cassandra, findMigrations(join(repoRoot(), 'services')), createLogger('test-setup', 'warn'));
}
