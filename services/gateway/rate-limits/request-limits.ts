import type { Caller } from '../../shared/access/caller.js';
import { isLoopback } from '../../shared/access/protected-mode.js';
import type { RateLimits } from '../../shared/config.js';
import type { SharedTokenBuckets } from './shared-buckets.js';

/**
 * How many requests the gateway takes from each client address and each API key (token buckets shared by the
 * replicas): the address is limited before its key is even looked at, so that a flood of made-up keys costs no
 * storage read; a key's own limit (set when it was made) overrides the deployment's. Loopback addresses are not
 * limited unless `limitLoopback` (callers on the machine itself: the benchmarks, a local proxy).
 */
export class RequestLimits {
  constructor(
    private readonly buckets: Pick<SharedTokenBuckets, 'take'>,
    private readonly limits: RateLimits,
  ) {}

  /** 0 when a request from `address` may go on; otherwise the milliseconds until one may. */
  forAddress(address: string | undefined): number | Promise<number> {
    if (address === undefined || (!this.limits.limitLoopback && isLoopback(address.replace(/^::ffff:/, '')))) return 0;
    return this.buckets.take(`address:${address}`, this.limits.perAddress);
  }

  /** 0 when a request of `caller`'s key may go on (or it came without one); otherwise the milliseconds to wait. */
  forCaller(caller: Caller | undefined): number | Promise<number> {
    if (!caller) return 0;
    return this.buckets.take(`key:${caller.keyId}`, caller.limit ?? this.limits.perKey);
  }
}
