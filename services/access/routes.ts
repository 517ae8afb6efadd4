import type { UnaryHandler } from '../shared/handler.js';
import { CreateKeyHandler } from './handlers/create-key.js';
import { DeletePlayerDataHandler } from './handlers/delete-player-data.js';
import { ListKeysHandler } from './handlers/list-keys.js';
import { RevokeKeyHandler } from './handlers/revoke-key.js';
import type { PlayerDataOwners } from './player-data-owners.js';
import type { AccessKeyStore } from './store.js';

/** The key-managing RPCs of AccessService, each served by its handler; the `npm run keys` CLI runs the same ones. */
export function keyHandlers(store: AccessKeyStore) {
  return {
    createKey: new CreateKeyHandler(store),
    listKeys: new ListKeysHandler(store),
    revokeKey: new RevokeKeyHandler(store),
  } satisfies Record<string, UnaryHandler<never, unknown>>;
}

/**
 * Every AccessService RPC. The gateway hosts them (it verifies keys, so it owns them): there is no access process.
 * DeletePlayerData asks the owners of players' data to erase them.
 */
export function accessHandlers(store: AccessKeyStore, owners: PlayerDataOwners) {
  return {
    ...keyHandlers(store),
    deletePlayerData: new DeletePlayerDataHandler(owners),
  } satisfies Record<string, UnaryHandler<never, unknown>>;
}
