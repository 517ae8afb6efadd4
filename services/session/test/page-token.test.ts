import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import { TokenSigner } from '../../shared/signed-token.js';
import { micros } from '../../shared/time.js';
import { decodeCursor, encodeCursor } from '../page-token.js';

describe('page tokens', () => {
  const signer = new TokenSigner('test-secret');
  const cursor = { country: 'FI', fromUs: micros(1), toUs: micros(2_000_000), hour: micros(3_600_000_000), pageState: 'abc' };

  it('round-trip', () => {
    expect(decodeCursor(encodeCursor(cursor, signer), 'FI', signer)).toEqual(cursor);
    expect(decodeCursor(encodeCursor({ ...cursor, pageState: undefined }, signer), 'FI', signer).pageState).toBeUndefined();
  });

  it('reject a token of another country or one we never issued', () => {
    expect(() => decodeCursor(encodeCursor(cursor, signer), 'SE', signer)).toThrow(/issued for country FI/);
    expect(() => decodeCursor('bm90LWEtdG9rZW4', 'FI', signer)).toThrow(ValidationError);
    expect(() => decodeCursor(Buffer.from('[1,2,3]').toString('base64url'), 'FI', signer)).toThrow(/page_token/);
  });

  it('reject a token whose window was widened, or that another secret signed', () => {
    const [, mac] = encodeCursor(cursor, signer).split('.');
    const widened = Buffer.from(JSON.stringify(['s2', 'FI', 0, 2_000_000, 3_600_000_000, 'abc'])).toString('base64url');
    expect(() => decodeCursor(`${widened}.${mac}`, 'FI', signer)).toThrow(/page_token: is not a token/);
    expect(() => decodeCursor(encodeCursor(cursor, new TokenSigner('other')), 'FI', signer)).toThrow(ValidationError);
    expect(() => decodeCursor('x'.repeat(100_000), 'FI', signer)).toThrow(/page_token/);
  });

  it('reject a token of the earlier form, whose hour was in milliseconds, rather than misread it', () => {
    const earlier = signer.sign(['FI', 1, 2_000_000, 3_600_000, 'abc']);
    expect(() => decodeCursor(earlier, 'FI', signer)).toThrow(/page_token: is not a token/);
  });
});
