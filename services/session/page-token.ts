import { ValidationError } from '../shared/errors.js';
import type { TokenSigner } from '../shared/signed-token.js';
import type { Micros } from '../shared/time.js';

/** Where a listing stopped: the query's fixed window, the hour being read, and the driver's page state in it. */
export interface StartsCursor {
  country: string;
  fromUs: Micros;
  toUs: Micros;
  hour: Micros;
  pageState?: string;
}

/** Tokens of an earlier form (hours in milliseconds) are refused rather than misread. */
const TOKEN_FORM = 's2';

/** Opaque to callers and signed, so that it cannot be forged into a different query. */
export function encodeCursor(cursor: StartsCursor, signer: TokenSigner): string {
  const { country, fromUs, toUs, hour, pageState } = cursor;
  return signer.sign([TOKEN_FORM, country, fromUs, toUs, hour, pageState ?? null]);
}

export function decodeCursor(token: string, country: string, signer: TokenSigner): StartsCursor {
  const parsed = signer.open(token);
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 6 ||
    parsed[0] !== TOKEN_FORM ||
    typeof parsed[1] !== 'string' ||
    !parsed.slice(2, 5).every((n) => Number.isSafeInteger(n)) ||
    (parsed[5] !== null && typeof parsed[5] !== 'string')
  ) {
    throw new ValidationError('page_token', 'is not a token this service issued (pass next_page_token unchanged)');
  }
  if (parsed[1] !== country) throw new ValidationError('page_token', `was issued for country ${parsed[1]}, not ${country}`);
  const [, , fromUs, toUs, hour, pageState] = parsed as [string, string, Micros, Micros, Micros, string | null];
  return { country, fromUs, toUs, hour, pageState: pageState ?? undefined };
}
