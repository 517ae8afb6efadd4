import { Counter, Gauge } from 'prom-client';
import { ValidationError } from './errors.js';
import type { Logger } from './logger.js';
import { processRegistry } from './metric-registry.js';

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

const watchersGauge = new Gauge({
  name: 'gamepulse_live_feed_watchers',
  help: 'Callers watching a live feed right now.',
  labelNames: ['feed'],
  registers: [processRegistry],
});
const subjectsGauge = new Gauge({
  name: 'gamepulse_live_feed_subjects',
  help: 'Subjects (a match, an area) of a live feed computed right now, each once per interval for all its watchers.',
  labelNames: ['feed'],
  registers: [processRegistry],
});
const computationsCounter = new Counter({
  name: 'gamepulse_live_feed_computations_total',
  help: 'Summaries a live feed computed.',
  labelNames: ['feed'],
  registers: [processRegistry],
});

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
  private readonly watchers: Gauge.Internal<'feed'>;
  private readonly subjects: Gauge.Internal<'feed'>;
  private readonly computed: Counter.Internal;

  /** @param feed names the feed in metrics, e.g. `match_reactions`. */
  constructor(
    feed: string,
    private readonly summarize: Summarize<T>,
    private readonly logger: Logger,
  ) {
    this.watchers = watchersGauge.labels(feed);
    this.subjects = subjectsGauge.labels(feed);
    this.computed = computationsCounter.labels(feed);
    // Present from the start (at zero), so that dashboards and alerts find the series before the first watcher.
    this.watchers.inc(0);
    this.subjects.inc(0);
    this.computed.inc(0);
  }

  /** Yields the subject's summary now, then each time it changes, at most once per interval, until `signal` aborts. */
  async *watch(subject: string, intervalMs: number, signal: AbortSignal): AsyncGenerator<T> {
    const key = `${subject}/${intervalMs}`;
    let group = this.groups.get(key);
    if (!group) {
      group = new WatchGroup(subject, intervalMs, this.countedSummarize, this.logger);
      this.groups.set(key, group);
      this.subjects.inc();
    }
    const watcher = group.join();
    this.watchers.inc();
    try {
      for (;;) {
        const summary = await watcher.next(signal);
        if (!summary) return;
        yield summary;
      }
    } finally {
      this.watchers.dec();
      if (group.leave(watcher)) {
        this.groups.delete(key);
        this.subjects.dec();
      }
    }
  }

  /** Subjects being watched right now. */
  get activeGroups(): number {
    return this.groups.size;
  }

  private readonly countedSummarize: Summarize<T> = (subject) => {
    this.computations++;
    this.computed.inc();
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
