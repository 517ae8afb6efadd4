import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { CallContext, UnaryHandler } from '../../shared/handler.js';
import { quoted } from '../../shared/quote.js';
import type { RevokeKeyRequest, RevokeKeyResponse } from '../../../gen/ts-proto/gamepulse/access/v1/access.js';
import { apiKeyMessage } from '../key-rules.js';
import type { AccessKeyStore } from '../store.js';

/** Revokes a key of the caller's game (any game's without a caller); a revoked key stays revoked as it was. */
export class RevokeKeyHandler implements UnaryHandler<RevokeKeyRequest, RevokeKeyResponse> {
  constructor(
    private readonly store: Pick<AccessKeyStore, 'find' | 'revoke'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(request: RevokeKeyRequest, { caller }: CallContext): Promise<RevokeKeyResponse> {
    if (!/^[a-z0-9]{16}$/.test(request.keyId)) {
      throw new ValidationError('key_id', `16 lower-case letters and digits (the part after "gp_"), got ${quoted(request.keyId)}`);
    }
    const stored = await this.store.find(request.keyId);
    // Another game's key is not found: its existence is not the caller's to learn.
    if (!stored || (caller && caller.game !== stored.game)) throw new NotFoundError(`key_id: no key ${quoted(request.keyId)}`);
    if (stored.revokedAt) return { key: apiKeyMessage(stored) };
    const revokedAt = this.clock();
    await this.store.revoke(stored, revokedAt);
    return { key: apiKeyMessage({ ...stored, revokedAt }) };
  }
}
