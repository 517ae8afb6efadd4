import { ValidationError } from './errors.js';
import type { Logger } from './logger.js';

const DEFAULT_INTERVAL_MS = 1000;
const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 60_000;

/** A live feed's `interval_ms` as asked for (0: the default), or INVALID_ARGUMENT outside the bounds. */
export function feedInterval(requested: number): number {
  const interval = requested || DEFAULT_INTERVAL_MS;
  if (interval < MIN_INTERVAL_MS || interval > MAX_INTERVAL_MS) {
    throw new ValidationError(
      'interval_ms',
      `must be from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS} (0 means ${DEFAULT_INTERVAL_MS}), got ${interval}`,
    );
  }
  return interval;
}

type Summarize<T> = (subject: string) => Promise<T>;
/** A summary says when it was computed; that alone changing is not a change. */
type Summary = { computedAt?: unknown };

/**
 * Live feeds of summaries (a match's reactions, an area's modes). Watchers of the same subject and interval share
 * one group, which computes the summary once per interval and hands it to every watcher when it changed: many
 * watchers cost one computation.
 */
export class WatchHub<T extends Summary> {
  private readonly groups = new Map<string, WatchGroup<T>>();
  /** Summaries computed so far, across groups (observable by tests and metrics). */
  computations = 0;

  constructor(
    private readonly summarize: Summarize<T>,
    private readonly logger: Logger,
  ) {}

  /** Yields the subject's summary now, then each time it changes, at most once per interval, until `signal` aborts. */
  async *watch(subject: string, intervalMs: number, signal: AbortSignal): AsyncGenerator<T> {
    const key = `${subject}/${intervalMs}`;
    let group = this.groups.get(key);
    if (!group) {
      group = new WatchGroup(subject, intervalMs, this.countedSummarize, this.logger);
      this.groups.set(key, group);
    }
    const watcher = group.join();
    try {
      for (;;) {
        const summary = await watcher.next(signal);
        if (!summary) return;
        yield summary;
      }
    } finally {
      if (group.leave(watcher)) this.groups.delete(key);
    }
  }

  /** Subjects being watched right now. */
  get activeGroups(): number {
    return this.groups.size;
  }

  private readonly countedSummarize: Summarize<T> = (subject) => {
    this.computations++;
    return this.summarize(subject);
  };
}

class WatchGroup<T extends Summary> {
  private readonly watchers = new Set<Watcher<T>>();
  private latest?: { summary: T; fingerprint: string };
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly subject: string,
    private readonly intervalMs: number,
    private readonly summarize: Summarize<T>,
    private readonly logger: Logger,
  ) {
    void this.tick();
  }

  join(): Watcher<T> {
    const watcher = new Watcher<T>();
    if (this.latest) watcher.offer(this.latest.summary);
    this.watchers.add(watcher);
    return watcher;
  }

  /** True when the group has no watchers left and has stopped. */
  leave(watcher: Watcher<T>): boolean {
    this.watchers.delete(watcher);
    if (this.watchers.size > 0) return false;
    this.stopped = true;
    clearTimeout(this.timer);
    return true;
  }

  private async tick(): Promise<void> {
    try {
      const summary = await this.summarize(this.subject);
      const { computedAt: _, ...content } = summary;
      const fingerprint = JSON.stringify(content);
      if (fingerprint !== this.latest?.fingerprint) {
        this.latest = { summary, fingerprint };
        for (const watcher of this.watchers) watcher.offer(summary);
      }
    } catch (error) {
      this.logger.warn({ err: error, subject: this.subject }, 'live summary failed; retrying next interval');
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }
}

/** One watcher's mailbox: holds only the newest summary, so a slow reader skips to the latest. */
class Watcher<T> {
  private pending?: T;
  private wake?: (summary: T | undefined) => void;

  offer(summary: T): void {
    if (this.wake) {
      const wake = this.wake;
      this.wake = undefined;
      wake(summary);
    } else {
      this.pending = summary;
    }
  }

  next(signal: AbortSignal): Promise<T | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.pending) {
      const summary = this.pending;
      this.pending = undefined;
      return Promise.resolve(summary);
    }
    return new Promise((resolve) => {
      const onAbort = () => {
        this.wake = undefined;
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = (summary) => {
        signal.removeEventListener('abort', onAbort);
        resolve(summary);
      };
    });
  }
}
