import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { BadRequest, describeHttpError } from '../http-errors.js';

describe('describeHttpError', () => {
  it("passes the caller's mistakes through with their reason", () => {
    expect(describeHttpError(new BadRequest('timestamp: is required'))).toEqual({ status: 400, reason: 'timestamp: is required' });
    expect(describeHttpError(new BadRequest('body: too large', 413))).toEqual({ status: 413, reason: 'body: too large' });
    expect(describeHttpError(new ConnectError('hours: must be …', Code.InvalidArgument))).toEqual({
      status: 400,
      reason: 'hours: must be …',
    });
  });

  it('tells a backend that is down or slow from a failure it will not describe', () => {
    expect(describeHttpError(new ConnectError('connection refused', Code.Unavailable))).toEqual({
      status: 503,
      reason: 'connection refused',
      retryAfterSeconds: 1,
    });
    expect(describeHttpError(new ConnectError('deadline', Code.DeadlineExceeded))?.status).toBe(504);
    expect(describeHttpError(new ConnectError('oops', Code.Internal))).toBeUndefined();
    expect(describeHttpError(new Error('oops'))).toBeUndefined();
  });
});
