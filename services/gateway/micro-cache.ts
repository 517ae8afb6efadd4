/**
 * A tiny in-process cache for hot read routes: answers live `ttlMs`, concurrent misses for one key share a single
 * backend call, and the number of keys is bounded. Used only where an answer a fraction of a second old is allowed.
 */
export class MicroCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && entry.expires > now) return entry.value;
    if (this.entries.size >= this.maxKeys) this.evictExpired(now);
    const value = load();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    // A failed load is not remembered: the next caller tries again.
    value.catch(() => this.entries.delete(key));
    return value;
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
    if (this.entries.size >= this.maxKeys) this.entries.clear();
  }
}
