import { setTimeout as sleep } from 'node:timers/promises';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { CallBounds } from './grpc-client.js';

/** How often, and how patiently, an idempotent call is tried again when its server is UNAVAILABLE. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; it doubles for each further one, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Waits of 50, 100, 200 and 400 ms (each 50–100% of that): enough to ride over a restarting replica (the launcher
 * restarts one after 250 ms, and it listens a few hundred ms later) without holding a caller long.
 */
export const OWNER_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 50, maxDelayMs: 400 };

/**
 * Runs `call` and, while it fails with UNAVAILABLE (the server is not listening or went away before answering), runs
 * it again after an exponential backoff with jitter (half of each wait is random, so replicas do not retry in step): at most `policy.attempts` times, never past the caller's
 * deadline, never after the caller cancelled. Only for calls that are safe to repeat (idempotent writes, reads).
 */
export async function retryWhileUnavailable<T>(
  call: () => Promise<T>,
  bounds: CallBounds,
  policy: RetryPolicy = OWNER_RETRY,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if ((error as ServiceError).code !== status.UNAVAILABLE || attempt >= policy.attempts) throw error;
      const backoffMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = backoffMs / 2 + (random() * backoffMs) / 2;
      if (bounds.deadline && Date.now() + delayMs >= bounds.deadline.getTime()) throw error;
      // Rejects at once if the caller has already cancelled.
      await sleep(delayMs, undefined, { signal: bounds.signal }).catch(() => {
        throw error;
      });
    }
  }
}
