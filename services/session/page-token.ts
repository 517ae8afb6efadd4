import { ValidationError } from '../shared/errors.js';

/** Where a listing stopped: the query's fixed window, the hour being read, and the driver's page state in it. */
export interface StartsCursor {
  country: string;
  fromUs: number;
  toUs: number;
  hourMs: number;
  pageState?: string;
}

/** Opaque to callers: base64url of a compact JSON. */
export function encodeCursor(cursor: StartsCursor): string {
  const { country, fromUs, toUs, hourMs, pageState } = cursor;
  return Buffer.from(JSON.stringify([country, fromUs, toUs, hourMs, pageState ?? null])).toString('base64url');
}

export function decodeCursor(token: string, country: string): StartsCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('page_token', 'is not a token this service issued');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 5 ||
    typeof parsed[0] !== 'string' ||
    !parsed.slice(1, 4).every((n) => Number.isSafeInteger(n)) ||
    (parsed[4] !== null && typeof parsed[4] !== 'string')
  ) {
    throw new ValidationError('page_token', 'is not a token this service issued');
  }
  if (parsed[0] !== country) throw new ValidationError('page_token', `was issued for country ${parsed[0]}, not ${country}`);
  return { country, fromUs: parsed[1], toUs: parsed[2], hourMs: parsed[3], pageState: parsed[4] ?? undefined };
}
