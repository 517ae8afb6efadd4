import { ValidationError } from '../shared/errors.js';
import type { TokenSigner } from '../shared/signed-token.js';

/** Where a listing stopped: the query's fixed window, the hour being read, and the driver's page state in it. */
export interface StartsCursor {
  country: string;
  fromUs: number;
  toUs: number;
  hourMs: number;
  pageState?: string;
}

/** Opaque to callers and signed, so that it cannot be forged into a different query. */
export function encodeCursor(cursor: StartsCursor, signer: TokenSigner): string {
  const { country, fromUs, toUs, hourMs, pageState } = cursor;
  return signer.sign([country, fromUs, toUs, hourMs, pageState ?? null]);
}

export function decodeCursor(token: string, country: string, signer: TokenSigner): StartsCursor {
  const parsed = signer.open(token);
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 5 ||
    typeof parsed[0] !== 'string' ||
    !parsed.slice(1, 4).every((n) => Number.isSafeInteger(n)) ||
    (parsed[4] !== null && typeof parsed[4] !== 'string')
  ) {
    throw new ValidationError('page_token', 'is not a token this service issued (pass next_page_token unchanged)');
  }
  if (parsed[0] !== country) throw new ValidationError('page_token', `was issued for country ${parsed[0]}, not ${country}`);
  const [, fromUs, toUs, hourMs, pageState] = parsed as [string, number, number, number, string | null];
  return { country, fromUs, toUs, hourMs, pageState: pageState ?? undefined };
}
