import type { CassandraClient } from '../shared/cassandra.js';
import { RETENTION } from '../shared/retention.js';
import { wholeSeconds } from '../shared/time.js';
import type { ScopeName } from '../shared/access/caller.js';
import type { ApiKeyRecord } from './api-key.js';

/** A revoked key is listed for a year, then gone. */
const REVOKED_KEY_TTL_SECONDS = wholeSeconds(RETENTION);

const upsert = { prepare: true, isIdempotent: true };
const read = { prepare: true };

const cql = {
  writeKey: 'INSERT INTO api_keys (key_id, game, scopes, secret_sha256, label, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  writeListing: 'INSERT INTO api_keys_by_game (game, created_at, key_id, scopes, label) VALUES (?, ?, ?, ?, ?)',
  findKey: 'SELECT key_id, game, scopes, secret_sha256, label, created_at, revoked_at FROM api_keys WHERE key_id = ?',
  listKeys: 'SELECT key_id, game, scopes, label, created_at, revoked_at FROM api_keys_by_game WHERE game = ? LIMIT ?',
  revokeKey:
    'INSERT INTO api_keys (key_id, game, scopes, secret_sha256, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?',
  revokeListing: 'INSERT INTO api_keys_by_game (game, created_at, key_id, scopes, label, revoked_at) VALUES (?, ?, ?, ?, ?, ?) USING TTL ?',
};

/** A stored key with its secret's hash, as the gateway verifies callers against it. */
export interface StoredKey extends ApiKeyRecord {
  secretSha256: Buffer;
}

/** The API keys' tables (schema/001_api_keys.cql): the only code that writes them. */
export class AccessKeyStore {
  constructor(private readonly client: CassandraClient) {}

  /** Stores a new key: first the row that makes it work, then its listing. */
  async create(key: StoredKey): Promise<void> {
    const scopes = [...key.scopes];
    await this.client.execute(cql.writeKey, [key.keyId, key.game, scopes, key.secretSha256, key.label, key.createdAt], upsert);
    await this.client.execute(cql.writeListing, [key.game, key.createdAt, key.keyId, scopes, key.label], upsert);
  }

  async find(keyId: string): Promise<StoredKey | undefined> {
    const row = (await this.client.execute(cql.findKey, [keyId], read)).first();
    if (!row) return undefined;
    return { ...recordOf(row), secretSha256: row.secret_sha256 as Buffer };
  }

  /** A game's keys, newest first (at most `limit`). */
  async list(game: string, limit: number): Promise<ApiKeyRecord[]> {
    return (await this.client.execute(cql.listKeys, [game, limit], read)).rows.map(recordOf);
  }

  /**
   * Marks a key revoked, first where it is verified (it stops working), then in its listing; both rows then die a
   * year later. Whole rows are written again under the TTL: a TTL applies only to what a write sets, the row's own
   * liveness included.
   */
  async revoke(key: StoredKey, at: Date): Promise<void> {
    const scopes = [...key.scopes];
    await this.client.execute(
      cql.revokeKey,
      [key.keyId, key.game, scopes, key.secretSha256, key.label, key.createdAt, at, REVOKED_KEY_TTL_SECONDS],
      upsert,
    );
    await this.client.execute(
      cql.revokeListing,
      [key.game, key.createdAt, key.keyId, scopes, key.label, at, REVOKED_KEY_TTL_SECONDS],
      upsert,
    );
  }
}

function recordOf(row: { get(name: string): unknown; [column: string]: unknown }): ApiKeyRecord {
  return {
    keyId: row.key_id as string,
    game: row.game as string,
    scopes: new Set((row.scopes as ScopeName[] | null) ?? []),
    label: (row.label as string | null) ?? '',
    createdAt: row.created_at as Date,
    revokedAt: (row.revoked_at as Date | null) ?? undefined,
  };
}
