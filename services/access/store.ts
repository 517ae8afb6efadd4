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
  writeKey:
    'INSERT INTO api_keys (key_id, game, scopes, secret_sha256, label, created_at, revoked_at, rate_per_second, burst) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?',
  writeListing:
    'INSERT INTO api_keys_by_game (game, created_at, key_id, scopes, label, revoked_at, rate_per_second, burst) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?',
  findKey:
    'SELECT key_id, game, scopes, secret_sha256, label, created_at, revoked_at, rate_per_second, burst FROM api_keys WHERE key_id = ?',
  listKeys:
    'SELECT key_id, game, scopes, label, created_at, revoked_at, rate_per_second, burst FROM api_keys_by_game WHERE game = ? LIMIT ?',
};

/** A stored key with its secret's hash, as the gateway verifies callers against it. */
export interface StoredKey extends ApiKeyRecord {
  secretSha256: Buffer;
}

/** The API keys' tables (schema/001_api_keys.cql): the only code that writes them. */
export class AccessKeyStore {
  constructor(private readonly client: CassandraClient) {}

  /** Stores a new key: first the row that makes it work, then its listing. A working key's rows never expire. */
  async create(key: StoredKey): Promise<void> {
    await this.write(key, undefined, 0);
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
    await this.write(key, at, REVOKED_KEY_TTL_SECONDS);
  }

  private async write(key: StoredKey, revokedAt: Date | undefined, ttlSeconds: number): Promise<void> {
    const scopes = [...key.scopes];
    const limit = [key.limit?.perSecond ?? null, key.limit?.burst ?? null];
    await this.client.execute(
      cql.writeKey,
      [key.keyId, key.game, scopes, key.secretSha256, key.label, key.createdAt, revokedAt ?? null, ...limit, ttlSeconds],
      upsert,
    );
    await this.client.execute(
      cql.writeListing,
      [key.game, key.createdAt, key.keyId, scopes, key.label, revokedAt ?? null, ...limit, ttlSeconds],
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
    limit: row.rate_per_second ? { perSecond: row.rate_per_second as number, burst: row.burst as number } : undefined,
  };
}
