import type { AccessDecision, Authorizer } from '../access/authorizer.js';
import type { ScopeName } from '../shared/access/caller.js';
import { isStorageUnavailable } from '../shared/storage-errors.js';
import { RETRY_AFTER_SECONDS } from './http-errors.js';
import type { RequestLimits } from './rate-limits/request-limits.js';

/** A call's fate at the door: served (as its caller), or refused for its key or for going over a rate limit. */
export type AdmissionDecision = AccessDecision | { refused: 'rate_limited' | 'unavailable'; message: string; retryAfterSeconds: number };

/**
 * What every call to the gateway goes through before its route or RPC: its client address's rate limit, then its API
 * key (for the scope the route or RPC needs), then its key's rate limit. Routes that need no scope (health) pass.
 */
export class Admission {
  constructor(
    private readonly authorizer: Pick<Authorizer, 'decide'>,
    private readonly limits: Pick<RequestLimits, 'forAddress' | 'forCaller'>,
  ) {}

  async admit(authorization: string | undefined, address: string | undefined, scope: ScopeName | undefined): Promise<AdmissionDecision> {
    if (scope === undefined) return { caller: undefined };
    const addressWaitMs = await this.limits.forAddress(address);
    if (addressWaitMs > 0) return overLimit(`client address ${address}`, addressWaitMs);
    let decision: AccessDecision;
    try {
      decision = await this.authorizer.decide(authorization, scope);
    } catch (error) {
      // The key could not be read: the caller may retry, as with any storage outage (503 / UNAVAILABLE).
      if (!isStorageUnavailable(error)) throw error;
      return {
        refused: 'unavailable',
        message: 'authorization: the key store is unavailable; retry',
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      };
    }
    if ('refused' in decision) return decision;
    const keyWaitMs = await this.limits.forCaller(decision.caller);
    if (keyWaitMs > 0) return overLimit(`key ${decision.caller!.keyId}`, keyWaitMs);
    return decision;
  }
}

function overLimit(who: string, waitMs: number): AdmissionDecision {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return {
    refused: 'rate_limited',
    message: `rate limit: ${who} is over its requests per second; retry after ${retryAfterSeconds} s`,
    retryAfterSeconds,
  };
}
