import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import { decodeCursor, encodeCursor } from '../page-token.js';

describe('page tokens', () => {
  const cursor = { country: 'FI', fromUs: 1, toUs: 2_000_000, hourMs: 3_600_000, pageState: 'abc' };

  it('round-trip', () => {
    expect(decodeCursor(encodeCursor(cursor), 'FI')).toEqual(cursor);
    expect(decodeCursor(encodeCursor({ ...cursor, pageState: undefined }), 'FI').pageState).toBeUndefined();
  });

  it('reject a token of another country or one we never issued', () => {
    expect(() => decodeCursor(encodeCursor(cursor), 'SE')).toThrow(/issued for country FI/);
    expect(() => decodeCursor('bm90LWEtdG9rZW4', 'FI')).toThrow(ValidationError);
    expect(() => decodeCursor(Buffer.from('[1,2,3]').toString('base64url'), 'FI')).toThrow(/page_token/);
  });
});
