import type { CallContext, UnaryHandler } from '../../shared/handler.js';
import type { CreateKeyRequest, CreateKeyResponse } from '../../../gen/ts-proto/gamepulse/access/v1/access.js';
import { generateKey } from '../api-key.js';
import { apiKeyMessage, checkLabel, gameToManage, limitOf, scopesOf } from '../key-rules.js';
import type { AccessKeyStore } from '../store.js';

/** Makes a key of a game with the scopes (and rate limit) asked for, and answers its secret this once. */
export class CreateKeyHandler implements UnaryHandler<CreateKeyRequest, CreateKeyResponse> {
  constructor(
    private readonly store: Pick<AccessKeyStore, 'create'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(request: CreateKeyRequest, { caller }: CallContext): Promise<CreateKeyResponse> {
    const game = gameToManage(request.game, caller);
    const scopes = scopesOf(request.scopes);
    const label = checkLabel(request.label);
    const limit = limitOf(request.ratePerSecond, request.burst);
    const { keyId, secret, secretSha256 } = generateKey();
    const key = { keyId, game, scopes, label, createdAt: this.clock(), revokedAt: undefined, limit };
    await this.store.create({ ...key, secretSha256 });
    return { key: apiKeyMessage(key), secret };
  }
}
