import type { Caller, ScopeName } from '../shared/access/caller.js';
import { PermissionError, ValidationError } from '../shared/errors.js';
import { quoted } from '../shared/quote.js';
import { Scope, type ApiKey } from '../../gen/ts-proto/gamepulse/access/v1/access.js';
import { GAME_RULE, isGameName } from '../shared/access/game.js';
import type { ApiKeyRecord } from './api-key.js';
import { toTimestamp, fromMillis } from '../shared/time.js';

const nameOfScope: Partial<Record<Scope, ScopeName>> = {
  [Scope.SCOPE_INGEST]: 'ingest',
  [Scope.SCOPE_READ]: 'read',
  [Scope.SCOPE_ADMIN]: 'admin',
};
const scopeOfName: Record<ScopeName, Scope> = { ingest: Scope.SCOPE_INGEST, read: Scope.SCOPE_READ, admin: Scope.SCOPE_ADMIN };

export const MAX_LABEL_CHARS = 200;

/**
 * The game a call may manage keys of: the one it names (`field`), which must be the caller's own when a key was
 * needed; the caller's own when it names none. Without a caller (loopback, or the operator's CLI), any game.
 */
export function gameToManage(named: string, caller: Caller | undefined, field = 'game'): string {
  const game = named === '' && caller ? caller.game : named;
  if (!isGameName(game)) throw new ValidationError(field, `${GAME_RULE}, got ${quoted(game)}`);
  if (caller && caller.game !== game) {
    throw new PermissionError(`${field}: key ${caller.keyId} manages the keys of game ${quoted(caller.game)} only, not ${quoted(game)}`);
  }
  return game;
}

/** The scopes of a new key by name: at least one, each known, none twice. */
export function scopesOf(scopes: Scope[]): Set<ScopeName> {
  if (scopes.length === 0) throw new ValidationError('scopes', 'at least one of SCOPE_INGEST, SCOPE_READ, SCOPE_ADMIN');
  const names = new Set<ScopeName>();
  for (const [i, scope] of scopes.entries()) {
    const name = nameOfScope[scope];
    if (!name) throw new ValidationError(`scopes[${i}]`, `must be SCOPE_INGEST, SCOPE_READ or SCOPE_ADMIN, got ${scope}`);
    if (names.has(name)) throw new ValidationError(`scopes[${i}]`, `repeats ${Scope[scope]}`);
    names.add(name);
  }
  return names;
}

export const MAX_RATE_PER_SECOND = 1_000_000;

/** A new key's own rate limit: none (the deployment's) when the rate is 0; the burst twice the rate when 0. */
export function limitOf(perSecond: number, burst: number): ApiKeyRecord['limit'] {
  if (perSecond === 0) {
    if (burst !== 0) throw new ValidationError('burst', 'needs rate_per_second');
    return undefined;
  }
  if (perSecond > MAX_RATE_PER_SECOND) throw new ValidationError('rate_per_second', `at most ${MAX_RATE_PER_SECOND}, got ${perSecond}`);
  if (burst !== 0 && burst < perSecond) throw new ValidationError('burst', `at least rate_per_second (${perSecond}), got ${burst}`);
  return { perSecond, burst: burst || perSecond * 2 };
}

export function checkLabel(label: string): string {
  if (label.length > MAX_LABEL_CHARS) throw new ValidationError('label', `at most ${MAX_LABEL_CHARS} characters, got ${label.length}`);
  return label;
}

/** A stored key as the RPCs answer it. */
export function apiKeyMessage(key: ApiKeyRecord): ApiKey {
  return {
    keyId: key.keyId,
    game: key.game,
    scopes: [...key.scopes].map((name) => scopeOfName[name]),
    label: key.label,
    createdAt: toTimestamp(fromMillis(key.createdAt.getTime())),
    revokedAt: key.revokedAt && toTimestamp(fromMillis(key.revokedAt.getTime())),
    ratePerSecond: key.limit?.perSecond ?? 0,
    burst: key.limit?.burst ?? 0,
  };
}
