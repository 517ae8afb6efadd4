import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ScopeName } from '../shared/access/caller.js';

/** A key as stored: everything but the secret, whose SHA-256 alone is kept. */
export interface ApiKeyRecord {
  keyId: string;
  game: string;
  scopes: ReadonlySet<ScopeName>;
  label: string;
  createdAt: Date;
  revokedAt: Date | undefined;
  /** The key's own rate limit; undefined: the deployment's. */
  limit: { perSecond: number; burst: number } | undefined;
}

/**
 * A key as callers send it: `gp_<key id>_<secret>`. The id (16 lower-case letters and digits) finds the stored key;
 * the secret (32 random bytes, base64url) proves it. Random secrets of that length need no slow hash: SHA-256 keeps
 * a stolen table from giving keys away, as it does for GitHub's and Stripe's tokens.
 */
const keyPattern = /^gp_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  keyId: string;
  /** The whole key, shown to its creator once. */
  secret: string;
  secretSha256: Buffer;
}

export function generateKey(): NewKey {
  const keyId = Array.from(randomBytes(16), (byte) => 'abcdefghijklmnopqrstuvwxyz0123456789'[byte % 36]).join('');
  const secret = `gp_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, secret, secretSha256: sha256(secret) };
}

/** The key id of a well-formed key, or undefined. */
export function keyIdOf(secret: string): string | undefined {
  return keyPattern.exec(secret)?.[1];
}

/** Whether `secret` is the key whose hash is `storedSha256` (constant time). */
export function secretMatches(secret: string, storedSha256: Buffer): boolean {
  const presented = sha256(secret);
  return presented.length === storedSha256.length && timingSafeEqual(presented, storedSha256);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
