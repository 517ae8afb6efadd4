import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import type { Logger } from './logger.js';
import { childFromZero, processRegistry } from './metric-registry.js';
import { inChildSpan, SpanKind } from './tracing.js';

/** A generation outlives every answer cached under it. */
const GENERATION_TTL_MS = 86_400_000;

const lookups = new Counter({
  name: 'gamepulse_cache_lookups_total',
  help: 'Answers looked up in the Redis response cache: hit, miss, or unavailable (Redis down or failing: computed).',
  labelNames: ['result'],
  registers: [processRegistry],
});
const lookup = {
  hit: childFromZero(lookups, 'hit'),
  miss: childFromZero(lookups, 'miss'),
  unavailable: childFromZero(lookups, 'unavailable'),
};

const failures = new Counter({
  name: 'gamepulse_cache_errors_total',
  help: 'Redis commands of the response cache that failed, and connection errors.',
  labelNames: ['operation'],
  registers: [processRegistry],
});
type CacheOperation = 'read' | 'write' | 'delete' | 'connection';
const failure: Record<CacheOperation, Counter.Internal> = {
  read: childFromZero(failures, 'read'),
  write: childFromZero(failures, 'write'),
  delete: childFromZero(failures, 'delete'),
  connection: childFromZero(failures, 'connection'),
};
const failureMessages: Record<CacheOperation, string> = {
  read: 'redis read failed; computing the answer',
  write: 'redis write failed',
  delete: 'redis delete failed',
  connection: 'redis connection error',
};

/** What a span of a Redis command says of it (tracing.ts; nothing is made while tracing is off). */
const REDIS_SPAN = { 'db.system': 'redis' };

/** How long a closed hour's answer is kept: it changes only when a late event lands in it, which drops the entry. */
export const CLOSED_HOUR_CACHE_MS = 86_400_000;

/** From this share of its time to live on, a cached answer is replaced in the background while it is served. */
const REFRESH_AFTER_SHARE_OF_TTL = 0.5;

/** A cached answer is stored as `<computed at, epoch ms>|<JSON>`, so that any replica can tell its age. */
function encodeEntry(value: unknown): string {
  return `${Date.now()}|${JSON.stringify(value)}`;
}

function decodeEntry<T>(text: string): { computedAtMs: number; value: T } | undefined {
  const separator = text.indexOf('|');
  const computedAtMs = Number(text.slice(0, separator));
  // Anything else (an entry of an older release) is a miss.
  if (separator < 1 || !Number.isInteger(computedAtMs)) return undefined;
  return { computedAtMs, value: JSON.parse(text.slice(separator + 1)) as T };
}

/** What a write handler needs of the cache: dropping the answers its writes made stale. */
export type CacheInvalidation = Pick<ResponseCache, 'invalidate'>;

/** What a change that must be seen before it is answered needs of the cache (an erasure). */
export type AwaitedInvalidation = Pick<ResponseCache, 'invalidated' | 'renewGeneration'>;

/** What a writer needs to tell the readers of a family of answers that it changed. */
export type GenerationRenewal = Pick<ResponseCache, 'renewGeneration'>;

/** What a reader needs to learn whether answers it holds are still current. */
export type GenerationReads = Pick<ResponseCache, 'currentGenerations'>;

/**
 * A response cache in Redis. It only ever saves work: when Redis is down or slow, every call computes the answer
 * itself, so answers stay correct with the cache empty or gone. Failures are logged at most once per interval.
 */
export class ResponseCache {
  private readonly redis: Redis;
  private lastFailureLog = 0;
  /** Computations under way by key, shared by the callers that arrive meanwhile. */
  private readonly computing = new Map<string, Promise<unknown>>();

  /**
   * @param namespace prefixes every key, so that processes on different keyspaces sharing one Redis never read
   * each other's answers.
   * @param connection the connection of the cache this one is `within` (then `url` and `timeoutMs` are its).
   */
  constructor(
    url: string,
    private readonly logger: Logger,
    private readonly namespace = '',
    timeoutMs = 50,
    connection?: Redis,
  ) {
    if (connection) {
      this.redis = connection;
      return;
    }
    this.redis = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.redis.on('error', (error) => this.failed('connection', error));
  }

  /**
   * The cached value of `key`, or `compute()`'s, which is then cached for `ttlMs` milliseconds. An answer past half
   * its life is still returned at once while one computation in the background replaces it, so callers of a busy key
   * never wait on a refresh and no answer is older than `ttlMs`. Callers of one key in this process share a
   * computation under way.
   */
  async getOrCompute<T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<T> {
    const cached = await this.read(this.namespace + key);
    const entry = typeof cached === 'string' ? decodeEntry<T>(cached) : undefined;
    if (entry) {
      lookup.hit.inc();
      if (Date.now() - entry.computedAtMs >= ttlMs * REFRESH_AFTER_SHARE_OF_TTL) {
        // A failed refresh leaves the answer in hand until it expires; the next caller tries again.
        this.computeOnce(key, ttlMs, compute).catch(() => undefined);
      }
      return entry.value;
    }
    (cached === undefined ? lookup.unavailable : lookup.miss).inc();
    return this.computeOnce(key, ttlMs, compute);
  }

  private computeOnce<T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<T> {
    const running = this.computing.get(key);
    if (running) return running as Promise<T>;
    const computing = compute()
      .then((value) => {
        void this.write(this.namespace + key, encodeEntry(value), ttlMs);
        return value;
      })
      .finally(() => this.computing.delete(key));
    this.computing.set(key, computing);
    return computing;
  }

  /**
   * Drops entries whose answers changed. Deleted again a second later, so that an answer computed from the old
   * data while the write was under way cannot stay cached.
   */
  invalidate(keys: string[]): void {
    if (keys.length > 0) void this.invalidated(keys);
  }

  /** As `invalidate`, resolving once Redis has dropped the entries (or failed to, which is counted). */
  async invalidated(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const drop = async () => {
      if (!this.connected) return;
      await this.redis.del(...keys.map((key) => this.namespace + key)).catch((error: unknown) => this.failed('delete', error));
    };
    setTimeout(() => void drop(), 1000).unref();
    await drop();
  }

  /**
   * The current generation of a family of answers that cannot be listed key by key (pages of a list): cache them
   * under keys that include it, and call `renewGeneration` after the data under them changed. Undefined when Redis
   * cannot say; then the family is neither read from nor written to the cache.
   */
  async generation(name: string): Promise<string | undefined> {
    if (!this.connected) return undefined;
    const key = this.namespace + name;
    try {
      const current = await this.redis.get(key);
      if (current) return current;
      const fresh = randomUUID();
      return (await this.redis.set(key, fresh, 'PX', GENERATION_TTL_MS, 'NX')) === 'OK'
        ? fresh
        : ((await this.redis.get(key)) ?? undefined);
    } catch (error) {
      this.failed('read', error);
      return undefined;
    }
  }

  /**
   * Starts a new generation of `name`: answers cached under an older one are never read again. A random id rather
   * than a counter, so that a generation lost with Redis (or evicted) never comes back to name old answers. Resolves
   * once Redis has it (or failed, which is counted): a caller that waits answers only after readers see the change.
   */
  renewGeneration(name: string): Promise<void> {
    return this.write(this.namespace + name, randomUUID(), GENERATION_TTL_MS);
  }

  /**
   * The current generations of `names` (null where none was started or it expired), in order, or undefined when
   * Redis cannot say. Reads only: a generation is started by its first renewal.
   */
  async currentGenerations(names: string[]): Promise<Array<string | null> | undefined> {
    if (!this.connected || names.length === 0) return undefined;
    try {
      return await inChildSpan('redis MGET', SpanKind.CLIENT, REDIS_SPAN, () =>
        this.redis.mget(...names.map((name) => this.namespace + name)),
      );
    } catch (error) {
      this.failed('read', error);
      return undefined;
    }
  }

  /** Whether Redis is connected right now (answers never depend on it). */
  /**
   * This cache with every key within `scope` (a game's answers apart from every other game's), on the same
   * connection: close() it through the cache it came from.
   */
  within(scope: string): ResponseCache {
    return new ResponseCache('', this.logger, `${this.namespace}${scope}:`, 0, this.redis);
  }

  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** getOrCompute for counts by name, which JSON cannot hold as a Map: cached as entries. */
  async getOrComputeCounts(key: string, ttlMs: number, compute: () => Promise<Map<string, number>>): Promise<Map<string, number>> {
    return new Map(await this.getOrCompute(key, ttlMs, async () => [...(await compute())]));
  }

  close(): void {
    this.redis.disconnect();
  }

  /** The cached text, null if there is none, undefined if Redis cannot say. */
  private async read(key: string): Promise<string | null | undefined> {
    if (!this.connected) return undefined;
    try {
      return await inChildSpan('redis GET', SpanKind.CLIENT, REDIS_SPAN, () => this.redis.get(key));
    } catch (error) {
      this.failed('read', error);
      return undefined;
    }
  }

  /** Writes `key`; resolves when Redis answered (a failure is counted and logged, never thrown). */
  private async write(key: string, value: string, ttlMs: number): Promise<void> {
    if (!this.connected) return;
    await inChildSpan('redis SET', SpanKind.CLIENT, REDIS_SPAN, () =>
      this.redis.set(key, value, 'PX', Math.max(1, Math.round(ttlMs))),
    ).catch((error: unknown) => this.failed('write', error));
  }

  /** Counts every failure; logs at most one every 10 s. */
  private failed(operation: CacheOperation, error: unknown): void {
    failure[operation].inc();
    const now = Date.now();
    if (now - this.lastFailureLog < 10_000) return;
    this.lastFailureLog = now;
    this.logger.warn({ err: error }, failureMessages[operation]);
  }
}
