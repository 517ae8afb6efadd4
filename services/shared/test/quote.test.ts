import { describe, expect, it } from 'vitest';
import { boundedMessage, MAX_ERROR_MESSAGE_CHARS, quoted } from '../quote.js';

describe('quoted', () => {
  it('repeats a short value whole and a long one as a prefix with its length', () => {
    expect(quoted('FI')).toBe('"FI"');
    expect(quoted('x'.repeat(100_000))).toBe(`"${'x'.repeat(32)}"… (100000 characters)`);
  });

  it('never cuts a character in two (encodeURIComponent refuses a lone surrogate)', () => {
    const text = `${'a'.repeat(31)}😀tail`;
    const message = quoted(text);
    expect(() => encodeURIComponent(message)).not.toThrow();
    expect(message.startsWith(`"${'a'.repeat(31)}\ufffd"`)).toBe(true);
  });
});

describe('boundedMessage', () => {
  it('cuts long messages and leaves them encodable', () => {
    const message = boundedMessage(`${'b'.repeat(MAX_ERROR_MESSAGE_CHARS - 2)}😀😀`);
    expect(message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
    expect(() => encodeURIComponent(message)).not.toThrow();
    expect(() => encodeURIComponent(boundedMessage('lone \ud800 surrogate'))).not.toThrow();
  });
});
