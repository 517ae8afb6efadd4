import { describe, expect, it } from 'vitest';
import { percentEncodeMinimal } from '../grpc-message-encoding.js';

describe('percentEncodeMinimal', () => {
  it('leaves printable ASCII but % as it is, so decodeURI-based clients read it back', () => {
    const message = 'limit: must be from 1 to 100 (0 means 20), got 1000';
    expect(percentEncodeMinimal(message)).toBe(message);
    expect(decodeURI(percentEncodeMinimal('50% done'))).toBe('50% done');
  });

  it('encodes non-ASCII as UTF-8 bytes', () => {
    expect(percentEncodeMinimal('café\n')).toBe('caf%C3%A9%0A');
    expect(decodeURIComponent(percentEncodeMinimal('café\n'))).toBe('café\n');
  });
});
