interface Entry<T> {
  value: Promise<T>;
  /** When the load of this answer began. */
  startedAt: number;
  /** After this the entry is served while a fresh load runs in the background. */
  refreshAt: number;
  /** After this the entry is never served: callers wait for a load. */
  expires: number;
  refreshing: boolean;
  /** The answer, once its load succeeded. */
  settled?: { value: T };
}

/**
 * A tiny in-process cache for hot read routes: an answer is served at most `maxAgeMs` after its load began;
 * concurrent misses for one key share a single backend call; the number of keys is bounded. With `refreshAfterMs`,
 * an entry older than that is still served while one background load replaces it, so steady traffic never waits for
 * the backend. Used only where an answer a fraction of a second old is allowed; a caller that can learn from the source
 * that an answer is still current says so with `confirm`, and the answer ages from then.
 */
export class MicroCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxKeys = 10_000,
    private readonly refreshAfterMs = maxAgeMs,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && entry.expires > now) {
      if (entry.refreshAt <= now && !entry.refreshing) this.refresh(key, entry, load);
      return entry.value;
    }
    if (this.entries.size >= this.maxKeys) this.evictExpired(now);
    return this.loadInto(key, load, now).value;
  }

  /**
   * Starts loading a key whose answer is known to have changed, in place of the answer it had: from now on its
   * callers wait for the new answer (so a caller that changed it reads its own change next). If the load fails the
   * key is forgotten and the next caller loads it again.
   */
  replace(key: string, load: () => Promise<T>): void {
    if (!this.entries.has(key) && this.entries.size >= this.maxKeys) this.evictExpired(Date.now());
    this.loadInto(key, load, Date.now());
  }

  /** The answers in hand (their loads succeeded), for a caller that checks them against their source. */
  *settled(): Generator<[key: string, value: T]> {
    for (const [key, entry] of this.entries) if (entry.settled) yield [key, entry.settled.value];
  }

  /**
   * `key`'s answer `value` is known to be current as of `asOf` (its source said that nothing changed since it was
   * loaded): it is served as if loaded then. Ignored if the key holds another answer by now.
   */
  confirm(key: string, value: T, asOf: number): void {
    const entry = this.entries.get(key);
    if (entry?.settled?.value !== value) return;
    entry.refreshAt = Math.max(entry.refreshAt, asOf + this.refreshAfterMs);
    entry.expires = Math.max(entry.expires, asOf + this.maxAgeMs);
  }

  /** Forgets every answer. */
  clear(): void {
    this.entries.clear();
  }

  private loadInto(key: string, load: () => Promise<T>, startedAt: number): Entry<T> {
    const value = load();
    const entry: Entry<T> = {
      value,
      startedAt,
      refreshAt: startedAt + this.refreshAfterMs,
      expires: startedAt + this.maxAgeMs,
      refreshing: false,
    };
    this.entries.set(key, entry);
    value.then(
      (settled) => (entry.settled = { value: settled }),
      // A failed load is not remembered: the next caller tries again.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry;
  }

  /** Replaces `entry` once a background load succeeds; until then (or if it fails) the entry is served as it is. */
  private refresh(key: string, entry: Entry<T>, load: () => Promise<T>): void {
    entry.refreshing = true;
    const startedAt = Date.now();
    load().then(
      (value) => {
        if (this.entries.get(key) === entry) this.entries.set(key, this.settledEntry(value, startedAt));
      },
      () => {
        entry.refreshing = false;
      },
    );
  }

  private settledEntry(value: T, startedAt: number): Entry<T> {
    return {
      value: Promise.resolve(value),
      startedAt,
      refreshAt: startedAt + this.refreshAfterMs,
      expires: startedAt + this.maxAgeMs,
      refreshing: false,
      settled: { value },
    };
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
    if (this.entries.size >= this.maxKeys) this.entries.clear();
  }
}
