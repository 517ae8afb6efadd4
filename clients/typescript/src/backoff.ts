/** Waits between retries: exponential from `initialMs`, at most `maxMs`. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** The wait before the `failures`-th retry in a row: anywhere from 0 to the exponential cap ("full jitter"). */
export function backoffDelayMs({ initialMs, maxMs }: Backoff, failures: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * cap);
}

/** A server's `Retry-After` (whole seconds) in milliseconds; 0 when absent or not a number. */
export function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return header !== null && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}
