import type { Caller } from '../shared/access/caller.js';
import { keyIdOf, secretMatches } from './api-key.js';
import type { AccessKeyStore } from './store.js';

/** How long a replica trusts what it read of a key: a revoked key stops working on every replica within this. */
export const KEY_RECHECK_MS = 2000;
/** Keys (and wrong keys) whose verdict a replica holds at once. */
const VERDICTS_HELD = 10_000;

/**
 * Finds the caller an API key belongs to, reading the stored key at most once per KEY_RECHECK_MS per replica (the
 * verdict on a wrong key is held as long, so that repeating it costs no read); callers of the same key meanwhile
 * share one read.
 */
export class KeyVerifier {
  private readonly verdicts = new Map<string, { caller: Caller | undefined; until: number }>();
  private readonly reads = new Map<string, Promise<Caller | undefined>>();

  constructor(
    private readonly keys: Pick<AccessKeyStore, 'find'>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The caller of `secret`, or undefined when it is malformed, unknown, revoked or wrong; a promise when it reads. */
  verify(secret: string): Caller | undefined | Promise<Caller | undefined> {
    const held = this.verdicts.get(secret);
    if (held && held.until > this.clock()) return held.caller;
    const keyId = keyIdOf(secret);
    if (keyId === undefined) return undefined;
    let read = this.reads.get(secret);
    if (!read) {
      read = this.read(secret, keyId).finally(() => this.reads.delete(secret));
      this.reads.set(secret, read);
    }
    return read;
  }

  private async read(secret: string, keyId: string): Promise<Caller | undefined> {
    const stored = await this.keys.find(keyId);
    const works = stored !== undefined && stored.revokedAt === undefined && secretMatches(secret, stored.secretSha256);
    const caller = works ? { keyId, game: stored.game, scopes: stored.scopes, limit: stored.limit } : undefined;
    this.verdicts.delete(secret);
    if (this.verdicts.size >= VERDICTS_HELD) this.verdicts.delete(this.verdicts.keys().next().value!);
    this.verdicts.set(secret, { caller, until: this.clock() + KEY_RECHECK_MS });
    return caller;
  }
}
