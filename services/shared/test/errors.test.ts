import { ClientError, Status } from 'nice-grpc';
import { describe, expect, it } from 'vitest';
import { NotFoundError, toStatusError, ValidationError } from '../errors.js';

describe('toStatusError', () => {
  it('tells callers which field broke which rule', () => {
    expect(toStatusError(new ValidationError('hours', 'must be between 1 and 8760'))).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: 'hours: must be between 1 and 8760',
    });
  });

  it('maps not-found', () => {
    expect(toStatusError(new NotFoundError('no such match')).code).toBe(Status.NOT_FOUND);
  });

  it('passes on that another service did not answer (retryable), and hides its other failures', () => {
    const path = '/gamepulse.games.v1.GamesService/ErasePlayer';
    expect(toStatusError(new ClientError(path, Status.DEADLINE_EXCEEDED, 'Deadline exceeded'))).toEqual({
      code: Status.DEADLINE_EXCEEDED,
      details: 'gamepulse.games.v1.GamesService/ErasePlayer: Deadline exceeded',
    });
    expect(toStatusError(new ClientError(path, Status.UNAVAILABLE, 'No connection established')).code).toBe(Status.UNAVAILABLE);
    expect(toStatusError(new ClientError(path, Status.INTERNAL, 'stack trace at 10.1.2.3')).code).toBe(Status.INTERNAL);
  });

  it('hides the internals of unexpected errors', () => {
    const mapped = toStatusError(new Error('connection to 10.1.2.3 refused, password=secret'));
    expect(mapped).toEqual({ code: Status.INTERNAL, details: 'internal error' });
  });
});
