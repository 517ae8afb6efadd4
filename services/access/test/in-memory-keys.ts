import type { ApiKeyRecord } from '../api-key.js';
import type { AccessKeyStore, StoredKey } from '../store.js';

/** The key tables in a map, for the rules' unit tests (store.integration.test.ts runs the store on Cassandra). */
export class InMemoryKeys implements Pick<AccessKeyStore, 'create' | 'find' | 'list' | 'revoke'> {
  readonly keys = new Map<string, StoredKey>();
  finds = 0;

  create(key: StoredKey): Promise<void> {
    this.keys.set(key.keyId, key);
    return Promise.resolve();
  }

  find(keyId: string): Promise<StoredKey | undefined> {
    this.finds++;
    return Promise.resolve(this.keys.get(keyId));
  }

  list(game: string, limit: number): Promise<ApiKeyRecord[]> {
    const keys = [...this.keys.values()].filter((key) => key.game === game);
    return Promise.resolve(keys.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit));
  }

  revoke(key: StoredKey, at: Date): Promise<void> {
    this.keys.set(key.keyId, { ...key, revokedAt: at });
    return Promise.resolve();
  }
}
