interface Entry<T> {
  value: Promise<T>;
  /** When the load of this answer began. */
  startedAt: number;
  /** After this the entry is served while a fresh load runs in the background. */
  refreshAt: number;
  /** After this the entry is never served: callers wait for a load. */
  expires: number;
  refreshing: boolean;
}

/**
 * A tiny in-process cache for hot read routes: an answer is served at most `maxAgeMs` after its load began;
 * concurrent misses for one key share a single backend call; the number of keys is bounded. With `refreshAfterMs`,
 * an entry older than that is still served while one background load replaces it, so steady traffic never waits for
 * the backend. Used only where an answer a fraction of a second old is allowed.
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
   * Loads a key whose answer is known to have changed and keeps the answer, resolving once it is in: a caller that
   * changed it reads its own change next, while every other caller is served the entry it had without waiting. If the
   * load fails the key is forgotten, so the next caller waits for a fresh load instead of the known-stale entry.
   */
  async reload(key: string, load: () => Promise<T>): Promise<void> {
    const startedAt = Date.now();
    try {
      const value = await load();
      const current = this.entries.get(key);
      // A load that began later already put a newer answer in.
      if (current && current.startedAt > startedAt) return;
      this.entries.set(key, this.settled(value, startedAt));
    } catch {
      const current = this.entries.get(key);
      if (current && current.startedAt <= startedAt) this.entries.delete(key);
    }
  }

  /** Forgets every answer. */
  clear(): void {
    this.entries.clear();
  }

  private loadInto(key: string, load: () => Promise<T>, startedAt: number): Entry<T> {
    const value = load();
    const entry = { value, startedAt, refreshAt: startedAt + this.refreshAfterMs, expires: startedAt + this.maxAgeMs, refreshing: false };
    this.entries.set(key, entry);
    // A failed load is not remembered: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry;
  }

  /** Replaces `entry` once a background load succeeds; until then (or if it fails) the entry is served as it is. */
  private refresh(key: string, entry: Entry<T>, load: () => Promise<T>): void {
    entry.refreshing = true;
    const startedAt = Date.now();
    load().then(
      (value) => {
        if (this.entries.get(key) === entry) this.entries.set(key, this.settled(value, startedAt));
      },
      () => {
        entry.refreshing = false;
      },
    );
  }

  private settled(value: T, startedAt: number): Entry<T> {
    return {
      value: Promise.resolve(value),
      startedAt,
      refreshAt: startedAt + this.refreshAfterMs,
      expires: startedAt + this.maxAgeMs,
      refreshing: false,
    };
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
    if (this.entries.size >= this.maxKeys) this.entries.clear();
  }
}
