// API keys' rules against in-memory key tables: what a key's format, scopes and game let it do, how long a replica
// trusts what it read of a key, and what an admin key may manage.
import { describe, expect, it } from 'vitest';
import { CreateKeyRequest, Scope } from '../../../gen/ts-proto/gamepulse/access/v1/access.js';
import type { Caller } from '../../shared/access/caller.js';
import type { CallContext } from '../../shared/handler.js';
import { generateKey, keyIdOf } from '../api-key.js';
import { Authorizer } from '../authorizer.js';
import { CreateKeyHandler } from '../handlers/create-key.js';
import { ListKeysHandler } from '../handlers/list-keys.js';
import { RevokeKeyHandler } from '../handlers/revoke-key.js';
import { KEY_RECHECK_MS, KeyVerifier } from '../key-verifier.js';
import { scopeOfRoute, scopeOfRpc } from '../scopes.js';
import { InMemoryKeys } from './in-memory-keys.js';

const keyRequest = (fields: Partial<CreateKeyRequest>) => CreateKeyRequest.fromPartial(fields);
const asOperator: CallContext = { signal: new AbortController().signal, deadline: undefined };
const as = (caller: Caller): CallContext => ({ ...asOperator, caller });

async function keyOf(keys: InMemoryKeys, game: string, ...scopes: Scope[]) {
  const { key, secret } = await new CreateKeyHandler(keys).handle(keyRequest({ game, scopes }), asOperator);
  return { keyId: key!.keyId, secret };
}

describe('a key', () => {
  it('is gp_<16 characters>_<43 characters>, different each time, stored as a hash alone', async () => {
    const first = generateKey();
    expect(first.secret).toMatch(/^gp_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(keyIdOf(first.secret)).toBe(first.keyId);
    expect(generateKey().secret).not.toBe(first.secret);
    const keys = new InMemoryKeys();
    const { keyId, secret } = await keyOf(keys, 'space-raiders', Scope.SCOPE_READ);
    const stored = keys.keys.get(keyId)!;
    expect(JSON.stringify(stored)).not.toContain(secret.slice(20));
    expect(stored.secretSha256).toHaveLength(32);
  });

  it('is refused unless well formed, known, not revoked and exactly right', () => {
    expect(keyIdOf('gp_short_x')).toBeUndefined();
    expect(keyIdOf(`${generateKey().secret}x`)).toBeUndefined();
  });
});

describe('the authorizer', () => {
  const setUp = async (mode: 'required' | 'optional' | 'off') => {
    const keys = new InMemoryKeys();
    const reader = await keyOf(keys, 'space-raiders', Scope.SCOPE_READ);
    return { keys, reader, authorizer: new Authorizer(mode, new KeyVerifier(keys)) };
  };

  it('when keys are required: no key or a bad one is unauthenticated, a key without the scope denied', async () => {
    const { authorizer, reader } = await setUp('required');
    expect(await authorizer.decide(undefined, 'read')).toMatchObject({ refused: 'unauthenticated', message: /^authorization: missing/ });
    expect(await authorizer.decide(`Basic ${reader.secret}`, 'read')).toMatchObject({ refused: 'unauthenticated' });
    const wrongSecret = `${reader.secret.slice(0, -4)}AAAA`;
    expect(await authorizer.decide(`Bearer ${wrongSecret}`, 'read')).toMatchObject({ refused: 'unauthenticated' });
    expect(await authorizer.decide(`Bearer ${reader.secret}`, 'ingest')).toMatchObject({
      refused: 'permission_denied',
      message: expect.stringContaining('lacks the "ingest" scope') as string,
    });
    expect(await authorizer.decide(`bearer ${reader.secret}`, 'read')).toMatchObject({ caller: { game: 'space-raiders' } });
    expect(await authorizer.decide(undefined, undefined)).toEqual({ caller: undefined });
  });

  it('when keys are optional (loopback): no key is served, a key is still checked', async () => {
    const { authorizer, reader } = await setUp('optional');
    expect(await authorizer.decide(undefined, 'admin')).toEqual({ caller: undefined });
    expect(await authorizer.decide(`Bearer ${reader.secret}`, 'admin')).toMatchObject({ refused: 'permission_denied' });
    expect(await authorizer.decide('Bearer gp_nope', 'read')).toMatchObject({ refused: 'unauthenticated' });
  });

  it('when auth is off: nothing is asked or checked', async () => {
    const { authorizer } = await setUp('off');
    expect(await authorizer.decide('Bearer whatever', 'admin')).toEqual({ caller: undefined });
  });

  it('never quotes the header it refuses back', async () => {
    const { authorizer } = await setUp('required');
    const decision = await authorizer.decide('Token s3cr3t-value', 'read');
    expect(JSON.stringify(decision)).not.toContain('s3cr3t');
  });
});

describe('the key verifier', () => {
  it('reads a key once per recheck interval, shares a read in flight, and sees a revocation after the interval', async () => {
    const keys = new InMemoryKeys();
    const { keyId, secret } = await keyOf(keys, 'space-raiders', Scope.SCOPE_INGEST);
    let now = 1_000_000;
    const verifier = new KeyVerifier(keys, () => now);
    const [a, b] = await Promise.all([verifier.verify(secret), verifier.verify(secret)]);
    expect(a).toMatchObject({ keyId, game: 'space-raiders' });
    expect(b).toEqual(a);
    expect(keys.finds).toBe(1);
    expect(verifier.verify(secret)).toEqual(a);
    await keys.revoke(keys.keys.get(keyId)!, new Date());
    now += KEY_RECHECK_MS - 1;
    expect(verifier.verify(secret)).toEqual(a);
    now += 1;
    expect(await verifier.verify(secret)).toBeUndefined();
    expect(keys.finds).toBe(2);
  });

  it("hands on a key's own rate limit (burst twice the rate unless given)", async () => {
    const keys = new InMemoryKeys();
    const { secret, key } = await new CreateKeyHandler(keys).handle(
      keyRequest({ game: 'g', scopes: [Scope.SCOPE_READ], ratePerSecond: 10 }),
      asOperator,
    );
    expect(key).toMatchObject({ ratePerSecond: 10, burst: 20 });
    expect(await new KeyVerifier(keys).verify(secret)).toMatchObject({ limit: { perSecond: 10, burst: 20 } });
  });

  it('holds the verdict on a wrong key as long, so that repeating it costs no read', async () => {
    const keys = new InMemoryKeys();
    const wrong = generateKey().secret;
    const verifier = new KeyVerifier(keys, () => 0);
    expect(await verifier.verify(wrong)).toBeUndefined();
    expect(verifier.verify(wrong)).toBeUndefined();
    expect(keys.finds).toBe(1);
    expect(verifier.verify('not-a-key')).toBeUndefined();
    expect(keys.finds).toBe(1);
  });
});

describe('AccessService handlers', () => {
  const admin = (game: string): Caller => ({ keyId: 'aaaaaaaaaaaaaaaa', game, scopes: new Set(['admin']) });

  it("an admin key makes and lists its own game's keys only", async () => {
    const keys = new InMemoryKeys();
    const create = new CreateKeyHandler(keys);
    const made = await create.handle(keyRequest({ scopes: [Scope.SCOPE_READ], label: 'dashboard' }), as(admin('space-raiders')));
    expect(made.key).toMatchObject({ game: 'space-raiders', scopes: [Scope.SCOPE_READ], label: 'dashboard' });
    await expect(
      create.handle(keyRequest({ game: 'moon-miners', scopes: [Scope.SCOPE_READ] }), as(admin('space-raiders'))),
    ).rejects.toMatchObject({
      name: 'PermissionError',
    });
    const list = new ListKeysHandler(keys);
    expect((await list.handle({ game: 'space-raiders' }, as(admin('space-raiders')))).keys.map((k) => k.keyId)).toEqual([made.key!.keyId]);
    await expect(list.handle({ game: 'moon-miners' }, as(admin('space-raiders')))).rejects.toMatchObject({ name: 'PermissionError' });
  });

  it('names the field and the rule of a bad request', async () => {
    const create = new CreateKeyHandler(new InMemoryKeys());
    const refusal = (request: Partial<CreateKeyRequest>) => create.handle(keyRequest(request), asOperator).catch((e: Error) => e.message);
    expect(await refusal({ game: 'space raiders', scopes: [Scope.SCOPE_READ], label: '' })).toMatch(/^game: 1 to 64 characters/);
    expect(await refusal({ game: 'g', scopes: [], label: '' })).toMatch(/^scopes: at least one/);
    expect(await refusal({ game: 'g', scopes: [Scope.SCOPE_READ, Scope.SCOPE_READ], label: '' })).toMatch(
      /^scopes\[1\]: repeats SCOPE_READ/,
    );
    expect(await refusal({ game: 'g', scopes: [Scope.SCOPE_UNSPECIFIED], label: '' })).toMatch(/^scopes\[0\]: must be/);
    expect(await refusal({ game: 'g', scopes: [Scope.SCOPE_READ], label: 'x'.repeat(201) })).toMatch(/^label: at most 200/);
    expect(await refusal({ game: '', scopes: [Scope.SCOPE_READ], label: '' })).toMatch(/^game: /);
    expect(await refusal({ game: 'g', scopes: [Scope.SCOPE_READ], ratePerSecond: 2_000_000 })).toMatch(/^rate_per_second: at most/);
    expect(await refusal({ game: 'g', scopes: [Scope.SCOPE_READ], ratePerSecond: 100, burst: 50 })).toMatch(
      /^burst: at least rate_per_second/,
    );
    expect(await refusal({ game: 'g', scopes: [Scope.SCOPE_READ], burst: 50 })).toMatch(/^burst: needs rate_per_second/);
  });

  it("revokes a key once, keeps it revoked as it was, and does not find another game's key", async () => {
    const keys = new InMemoryKeys();
    const { keyId } = await keyOf(keys, 'moon-miners', Scope.SCOPE_INGEST);
    const revoke = new RevokeKeyHandler(keys, () => new Date(Date.UTC(2026, 11, 4)));
    await expect(revoke.handle({ keyId }, as(admin('space-raiders')))).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(keys.keys.get(keyId)!.revokedAt).toBeUndefined();
    const first = await revoke.handle({ keyId }, as(admin('moon-miners')));
    expect(first.key?.revokedAt).toEqual({ seconds: Date.UTC(2026, 11, 4) / 1000, nanos: 0 });
    const again = await new RevokeKeyHandler(keys, () => new Date(Date.UTC(2027, 0, 1))).handle({ keyId }, asOperator);
    expect(again.key?.revokedAt).toEqual(first.key?.revokedAt);
    await expect(revoke.handle({ keyId: 'NOPE' }, asOperator)).rejects.toThrow(/^key_id: 16 lower-case/);
  });
});

describe('scopes', () => {
  it('writes need ingest, questions read, key management admin', () => {
    expect(scopeOfRpc('/gamepulse.ingest.v1.IngestService/IngestEvents')).toBe('ingest');
    expect(scopeOfRpc('/gamepulse.games.v1.GamesService/ImportGames')).toBe('ingest');
    expect(scopeOfRpc('/gamepulse.session.v1.SessionService/CountSessionStarts')).toBe('read');
    expect(scopeOfRpc('/gamepulse.access.v1.AccessService/CreateKey')).toBe('admin');
    expect(scopeOfRoute('GET')).toBe('read');
    expect(scopeOfRoute('POST')).toBe('ingest');
  });
});
