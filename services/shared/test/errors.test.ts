import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { NotFoundError, NotImplementedError, toStatusError, ValidationError } from '../errors.js';

describe('toStatusError', () => {
  it('tells callers which field broke which rule', () => {
    expect(toStatusError(new ValidationError('hours', 'must be between 1 and 8760'))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'hours: must be between 1 and 8760',
    });
  });

  it('maps not-found and not-implemented', () => {
    expect(toStatusError(new NotFoundError('no such match')).code).toBe(status.NOT_FOUND);
    expect(toStatusError(new NotImplementedError('/x.v1.S/M')).code).toBe(status.UNIMPLEMENTED);
  });

  it('hides the internals of unexpected errors', () => {
    const mapped = toStatusError(new Error('connection to 10.1.2.3 refused, password=secret'));
    expect(mapped).toEqual({ code: status.INTERNAL, details: 'internal error' });
  });
});
