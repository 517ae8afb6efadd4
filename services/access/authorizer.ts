import type { AuthMode, Caller, ScopeName } from '../shared/access/caller.js';
import { quoted } from '../shared/quote.js';
import type { KeyVerifier } from './key-verifier.js';

/** What the gateway does with a call: serve it (as `caller`, undefined when no key was needed), or refuse it. */
export type AccessDecision = { caller: Caller | undefined } | { refused: 'unauthenticated' | 'permission_denied'; message: string };

const SEND_A_KEY = 'send "Authorization: Bearer <key>" (npm run keys -- create --game <game> --scope <scope>)';

/**
 * Decides whether a call carrying `authorization` (its `Authorization` header or metadata) may use `scope`: no key
 * or a bad one is UNAUTHENTICATED (401), a good key without the scope PERMISSION_DENIED (403). Without a key, a call
 * is served only when keys are optional (loopback); with one, it is always checked.
 */
export class Authorizer {
  constructor(
    readonly mode: AuthMode,
    private readonly keys: Pick<KeyVerifier, 'verify'>,
  ) {}

  decide(authorization: string | undefined, scope: ScopeName | undefined): AccessDecision | Promise<AccessDecision> {
    if (scope === undefined || this.mode === 'off') return { caller: undefined };
    if (authorization === undefined || authorization === '') {
      return this.mode === 'optional'
        ? { caller: undefined }
        : { refused: 'unauthenticated', message: `authorization: missing; ${SEND_A_KEY}` };
    }
    const bearer = /^Bearer +(\S+)$/i.exec(authorization.trim());
    // The header may hold a secret of some kind: it is not quoted back.
    if (!bearer) return { refused: 'unauthenticated', message: 'authorization: must be "Bearer <key>"' };
    const verified = this.keys.verify(bearer[1]);
    return verified instanceof Promise ? verified.then((caller) => judge(caller, scope)) : judge(verified, scope);
  }
}

function judge(caller: Caller | undefined, scope: ScopeName): AccessDecision {
  if (!caller) return { refused: 'unauthenticated', message: 'authorization: unknown, revoked or mistyped key' };
  if (!caller.scopes.has(scope)) {
    return {
      refused: 'permission_denied',
      message: `authorization: key ${caller.keyId} of game ${quoted(caller.game)} lacks the "${scope}" scope`,
    };
  }
  return { caller };
}
