import { perGame, type PerGame } from './access/game.js';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Longest token accepted: longer is not one this service issued, and is not parsed at all. */
export const MAX_TOKEN_CHARS = 4096;
const MAC_BYTES = 16;

/**
 * Page tokens that callers cannot forge: a compact JSON payload plus an HMAC-SHA256 of it under the server secret
 * (GAMEPULSE_TOKEN_SECRET), both base64url. Every replica with the same secret opens every other's tokens. A
 * token that was altered in any way opens as undefined, so a caller can neither widen a query's window nor hand
 * the storage driver a page state it did not issue.
 */
export class TokenSigner {
  constructor(private readonly secret: string) {}

  sign(payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The payload of a token this signer issued, or undefined for anything else. */
  open(token: string): unknown {
    if (token.length > MAX_TOKEN_CHARS) return undefined;
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return undefined;
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, this.mac(body))) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, MAC_BYTES);
  }
}

/**
 * A signer per game: a token one game was given does not open in another (it would page that game's data as if it
 * were the query it was issued for).
 */
export function signersPerGame(secret: string): PerGame<TokenSigner> {
  return perGame((game) => new TokenSigner(`${secret}\u0000${game}`));
}
