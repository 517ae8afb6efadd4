import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/** A versioned schema file of one service: services/<service>/schema/<NNN>_<name>.cql. */
export interface Migration {
  service: string;
  version: number;
  name: string;
  statements: string[];
}

const fileName = /^(\d+)_([\w-]+)\.cql$/;

/** Every service's schema files, ordered by service then version. */
export function findMigrations(servicesDir: string): Migration[] {
  const migrations: Migration[] = [];
  for (const service of readdirSync(servicesDir).sort()) {
    const schemaDir = join(servicesDir, service, 'schema');
    if (!existsSync(schemaDir)) continue;
    for (const file of readdirSync(schemaDir).sort()) {
      const match = fileName.exec(file);
      if (!match) continue;
      migrations.push({
        service,
        version: Number(match[1]),
        name: match[2],
        statements: splitStatements(readFileSync(join(schemaDir, file), 'utf8')),
      });
    }
  }
  return migrations;
}

/** Splits a .cql file into statements: `--` and `//` comments dropped, `;` ends a statement. */
export function splitStatements(cql: string): string[] {
  const withoutComments = cql
    .split('\n')
    .map((line) => line.replace(/(--|\/\/).*$/, ''))
    .join('\n');
  return withoutComments
    .split(';')
    .map((statement) => statement.replace(/\s+/g, ' ').trim())
    .filter((statement) => statement.length > 0);
}

/**
 * Creates the keyspace and applies the migrations not yet recorded in `schema_migrations`. Safe to run twice, and
 * by two processes at once: every statement is `IF NOT EXISTS`, and a version is recorded only after all of its
 * statements succeeded.
 */
export async function migrate(config: Config['cassandra'], migrations: Migration[], logger: Logger): Promise<number> {
  const connection = { contactPoints: config.contactPoints, localDataCenter: config.localDataCenter };
  const admin = new cassandra.Client(connection);
  try {
    await admin.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${config.keyspace} WITH replication = ` +
        `{'class': 'NetworkTopologyStrategy', '${config.localDataCenter}': ${config.replicationFactor}}`,
    );
  } finally {
    await admin.shutdown();
  }
  const client = new cassandra.Client({ ...connection, keyspace: config.keyspace });
  try {
    await client.execute(
      'CREATE TABLE IF NOT EXISTS schema_migrations ' +
        '(service text, version int, name text, applied_at timestamp, PRIMARY KEY (service, version))',
    );
    const applied = new Set(
      (await client.execute('SELECT service, version FROM schema_migrations')).rows.map((row) => `${row.service}/${row.version}`),
    );
    let count = 0;
    for (const migration of migrations) {
      if (applied.has(`${migration.service}/${migration.version}`)) continue;
      logger.info({ service: migration.service, version: migration.version, name: migration.name }, 'applying');
      for (const statement of migration.statements) await client.execute(statement);
      await client.execute(
        'INSERT INTO schema_migrations (service, version, name, applied_at) VALUES (?, ?, ?, ?)',
        [migration.service, migration.version, migration.name, new Date()],
        { prepare: true },
      );
      count += 1;
    }
    return count;
  } finally {
    await client.shutdown();
  }
}
