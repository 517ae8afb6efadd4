import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { findMigrations, migrate } from '../migrate.js';
import { testConfig } from '../../../test/support/env.js';

const config = { ...testConfig().cassandra, keyspace: 'gamepulse_migrate_test' };
const admin = new cassandra.Client({ contactPoints: config.contactPoints, localDataCenter: config.localDataCenter });

afterAll(async () => {
  await admin.execute(`DROP KEYSPACE IF EXISTS ${config.keyspace}`);
  await admin.shutdown();
});

describe('migrate against the real Cassandra', () => {
  it('creates the keyspace and tables once, and is safe to run twice', async () => {
    const root = mkdtempSync(join(tmpdir(), 'migrations-'));
    mkdirSync(join(root, 'demo', 'schema'), { recursive: true });
    writeFileSync(
      join(root, 'demo', 'schema', '001_init.cql'),
      'CREATE TABLE IF NOT EXISTS first (id int PRIMARY KEY);\nCREATE TABLE IF NOT EXISTS second (id int PRIMARY KEY);',
    );
    writeFileSync(join(root, 'demo', 'schema', '002_more.cql'), 'CREATE TABLE IF NOT EXISTS third (id int PRIMARY KEY);');
    const logger = createLogger('test', 'warn');

    expect(await migrate(config, findMigrations(root), logger)).toBe(2);
    expect(await migrate(config, findMigrations(root), logger)).toBe(0);

    const tables = await admin.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [config.keyspace]);
    expect(tables.rows.map((row) => row.table_name as string).sort()).toEqual(['first', 'schema_migrations', 'second', 'third']);
    const recorded = await admin.execute(`SELECT service, version FROM ${config.keyspace}.schema_migrations`);
    expect(recorded.rows.map((row) => `${row.service}/${row.version}`).sort()).toEqual(['demo/1', 'demo/2']);
  });
});
