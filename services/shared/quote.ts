/** Most characters of a caller's value that an error message repeats. */
export const QUOTED_PREFIX_CHARS = 32;
/** Longest error message a caller is sent: a safety net for messages that quote more than one value. */
export const MAX_ERROR_MESSAGE_CHARS = 512;

/**
 * A caller's value as an error message quotes it: in double quotes, at most a short prefix, with how long it really
 * was. Repeating a 100 KB value would make the error itself a large message (and a large gRPC trailer).
 */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (text.length <= QUOTED_PREFIX_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(wellFormed(text.slice(0, QUOTED_PREFIX_CHARS)))}… (${text.length} characters)`;
}

/** An error message cut to the most a caller is sent, and safe to percent-encode into a gRPC trailer. */
export function boundedMessage(message: string): string {
  const bounded = message.length <= MAX_ERROR_MESSAGE_CHARS ? message : `${message.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…`;
  return wellFormed(bounded);
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text with each lone surrogate (a value cut inside a character) replaced, as encodeURIComponent requires. */
function wellFormed(text: string): string {
  return text.replace(loneSurrogate, '\ufffd');
}
