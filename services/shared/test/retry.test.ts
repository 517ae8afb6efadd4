import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { retryWhileUnavailable, type RetryPolicy } from '../retry.js';

const quick: RetryPolicy = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
const failure = (code: status): ServiceError =>
  Object.assign(new Error(status[code]), { code, details: status[code], metadata: new Metadata() });

/** A call that fails with the given codes, one per try, then answers 'ok'. */
function failingWith(...codes: status[]) {
  const calls = { count: 0 };
  const call = () => {
    const code = codes[calls.count++];
    return code === undefined ? Promise.resolve('ok') : Promise.reject(failure(code));
  };
  return { call, calls };
}

describe('retryWhileUnavailable', () => {
  it('tries again while the server is UNAVAILABLE, and answers once it is back', async () => {
    const { call, calls } = failingWith(status.UNAVAILABLE, status.UNAVAILABLE);
    await expect(retryWhileUnavailable(call, {}, quick)).resolves.toBe('ok');
    expect(calls.count).toBe(3);
  });

  it('gives up after the policy’s number of tries with the last error', async () => {
    const { call, calls } = failingWith(...Array<status>(10).fill(status.UNAVAILABLE));
    await expect(retryWhileUnavailable(call, {}, quick)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(calls.count).toBe(quick.attempts);
  });

  it('never repeats a call that the server answered with another error', async () => {
    for (const code of [status.INVALID_ARGUMENT, status.DEADLINE_EXCEEDED, status.INTERNAL, status.CANCELLED]) {
      const { call, calls } = failingWith(code);
      await expect(retryWhileUnavailable(call, {}, quick)).rejects.toMatchObject({ code });
      expect(calls.count).toBe(1);
    }
  });

  it('does not wait past the caller’s deadline, nor after the caller cancelled', async () => {
    const late = failingWith(status.UNAVAILABLE, status.UNAVAILABLE);
    const slow: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 1000 };
    await expect(retryWhileUnavailable(late.call, { deadline: new Date(Date.now() + 100) }, slow, () => 1)).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
    expect(late.calls.count).toBe(1);

    const abort = new AbortController();
    const cancelled = failingWith(status.UNAVAILABLE, status.UNAVAILABLE);
    const started = Date.now();
    const retrying = retryWhileUnavailable(cancelled.call, { signal: abort.signal }, slow, () => 1);
    setTimeout(() => abort.abort(), 20);
    await expect(retrying).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(Date.now() - started).toBeLessThan(500);
    expect(cancelled.calls.count).toBe(1);
  });

  it('waits a jittered, doubling backoff capped at maxDelayMs', async () => {
    const waits: number[] = [];
    let last = Date.now();
    const { call } = failingWith(status.UNAVAILABLE, status.UNAVAILABLE, status.UNAVAILABLE);
    const timed = () => {
      waits.push(Date.now() - last);
      last = Date.now();
      return call();
    };
    await retryWhileUnavailable(timed, {}, { attempts: 4, baseDelayMs: 40, maxDelayMs: 100 }, () => 1);
    // Tries at 0, then after 40, 80 and 100 (capped) ms; a timer fires late, never early (1 ms for clock rounding).
    const [, second, third, fourth] = waits;
    expect(second).toBeGreaterThanOrEqual(39);
    expect(third).toBeGreaterThanOrEqual(79);
    expect(fourth).toBeGreaterThanOrEqual(99);
    expect(fourth).toBeLessThan(400);
  });
});
