// The API key `npm start` prints: one of game "local" with every scope, kept in .local/ so that each start shows the
// same key while it works (it is made anew if it was revoked or the keyspace was dropped).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scope } from '../gen/ts-proto/gamepulse/access/v1/access.js';
import { keyIdOf, secretMatches } from '../services/access/api-key.js';
import { CreateKeyHandler } from '../services/access/handlers/create-key.js';
import { AccessKeyStore } from '../services/access/store.js';
import { connectCassandra } from '../services/shared/cassandra.js';
import type { Config } from '../services/shared/config.js';
import { createLogger } from '../services/shared/logger.js';
import { repoRoot } from '../services/shared/repo-root.js';

export const LOCAL_GAME = 'local';

export async function localApiKey(config: Config): Promise<string> {
  const file = join(repoRoot(), '.local', `api-key-${config.cassandra.keyspace}`);
  const cassandra = await connectCassandra(config.cassandra, createLogger('keys', 'warn'));
  try {
    const store = new AccessKeyStore(cassandra);
    const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    const keyId = keyIdOf(kept);
    const stored = keyId === undefined ? undefined : await store.find(keyId);
    if (stored && !stored.revokedAt && secretMatches(kept, stored.secretSha256)) return kept;
    const scopes = [Scope.SCOPE_INGEST, Scope.SCOPE_READ, Scope.SCOPE_ADMIN];
    const { secret } = await new CreateKeyHandler(store).handle(
      { game: LOCAL_GAME, scopes, label: 'npm start', ratePerSecond: 0, burst: 0 },
      { signal: new AbortController().signal, deadline: undefined },
    );
    mkdirSync(join(repoRoot(), '.local'), { recursive: true });
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  } finally {
    await cassandra.shutdown();
  }
}
