import type { UnaryHandler } from '../shared/handler.js';
import { CreateKeyHandler } from './handlers/create-key.js';
import { ListKeysHandler } from './handlers/list-keys.js';
import { RevokeKeyHandler } from './handlers/revoke-key.js';
import type { AccessKeyStore } from './store.js';

/**
 * The AccessService RPCs, each served by its handler. The gateway hosts them (it verifies keys, so it owns them):
 * there is no access process. The `npm run keys` CLI runs the same handlers.
 */
export function accessHandlers(store: AccessKeyStore) {
  return {
    createKey: new CreateKeyHandler(store),
    listKeys: new ListKeysHandler(store),
    revokeKey: new RevokeKeyHandler(store),
  } satisfies Record<string, UnaryHandler<never, unknown>>;
}
