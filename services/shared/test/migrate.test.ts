import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMigrations, splitStatements } from '../migrate.js';

describe('splitStatements', () => {
  it('drops comments and splits on semicolons', () => {
    const cql = `-- a table
CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY); // trailing
CREATE TABLE IF NOT EXISTS b (
  id int PRIMARY KEY
);
`;
    expect(splitStatements(cql)).toEqual([
      'CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY)',
      'CREATE TABLE IF NOT EXISTS b ( id int PRIMARY KEY )',
    ]);
  });
});

describe('findMigrations', () => {
  it('finds numbered .cql files of every service, ordered by service and version', () => {
    const root = mkdtempSync(join(tmpdir(), 'migrations-'));
    for (const [service, file] of [
      ['session', '002_more.cql'],
      ['session', '001_init.cql'],
      ['games', '001_init.cql'],
      ['games', 'notes.txt'],
    ] as const) {
      mkdirSync(join(root, service, 'schema'), { recursive: true });
      writeFileSync(join(root, service, 'schema', file), 'CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY);');
    }
    mkdirSync(join(root, 'shared'));
    const found = findMigrations(root).map((m) => `${m.service}/${m.version}/${m.name}`);
    expect(found).toEqual(['games/1/init', 'session/1/init', 'session/2/more']);
  });
});
