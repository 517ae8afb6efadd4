import type { CallContext, UnaryHandler } from '../../shared/handler.js';
import type { ListKeysRequest, ListKeysResponse } from '../../../gen/ts-proto/gamepulse/access/v1/access.js';
import { apiKeyMessage, gameToManage } from '../key-rules.js';
import type { AccessKeyStore } from '../store.js';

/** The keys a game holds listed in full; a game with more than this is listed up to it, newest first. */
export const MAX_KEYS_LISTED = 1000;

/** A game's keys, newest first, revoked ones included; never a secret. */
export class ListKeysHandler implements UnaryHandler<ListKeysRequest, ListKeysResponse> {
  constructor(private readonly store: Pick<AccessKeyStore, 'list'>) {}

  async handle(request: ListKeysRequest, { caller }: CallContext): Promise<ListKeysResponse> {
    const game = gameToManage(request.game, caller);
    return { keys: (await this.store.list(game, MAX_KEYS_LISTED)).map(apiKeyMessage) };
  }
}
