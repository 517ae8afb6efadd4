// Applies every service's schema (services/<name>/schema/*.cql) to Cassandra. Safe to run twice.
import { join } from 'node:path';
import { loadConfig } from '../services/shared/config.js';
import { createLogger } from '../services/shared/logger.js';
import { findMigrations, migrate } from '../services/shared/migrate.js';
import { repoRoot } from '../services/shared/repo-root.js';

const config = loadConfig();
const logger = createLogger('migrate', config.logLevel);
const migrations = findMigrations(join(repoRoot(), 'services'));
const applied = await migrate(config.cassandra, migrations, logger);
logger.info(
  { keyspace: config.cassandra.keyspace, applied, known: migrations.length },
  applied ? 'schema migrated' : 'schema already up to date',
);
