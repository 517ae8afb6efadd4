import type { Logger } from '../shared/logger.js';
import type { MatchReactionSummary } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';

type Summarize = (matchId: string) => Promise<MatchReactionSummary>;

/**
 * Live feeds of match summaries. Watchers of the same match and interval share one group, which computes the
 * summary once per interval and hands it to every watcher when it changed: many watchers cost one computation.
 */
export class MatchWatchHub {
  private readonly groups = new Map<string, WatchGroup>();
  /** Summaries computed so far, across groups (observable by tests and metrics). */
  computations = 0;

  constructor(
    private readonly summarize: Summarize,
    private readonly logger: Logger,
  ) {}

  /** Yields the match's summary now, then each time it changes, at most once per interval, until `signal` aborts. */
  async *watch(matchId: string, intervalMs: number, signal: AbortSignal): AsyncGenerator<MatchReactionSummary> {
    const key = `${matchId}/${intervalMs}`;
    let group = this.groups.get(key);
    if (!group) {
      group = new WatchGroup(matchId, intervalMs, this.countedSummarize, this.logger);
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

  /** Matches being watched right now. */
  get activeGroups(): number {
    return this.groups.size;
  }

  private readonly countedSummarize: Summarize = (matchId) => {
    this.computations++;
    return this.summarize(matchId);
  };
}

class WatchGroup {
  private readonly watchers = new Set<Watcher>();
  private latest?: { summary: MatchReactionSummary; fingerprint: string };
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly matchId: string,
    private readonly intervalMs: number,
    private readonly summarize: Summarize,
    private readonly logger: Logger,
  ) {
    void this.tick();
  }

  join(): Watcher {
    const watcher = new Watcher();
    if (this.latest) watcher.offer(this.latest.summary);
    this.watchers.add(watcher);
    return watcher;
  }

  /** True when the group has no watchers left and has stopped. */
  leave(watcher: Watcher): boolean {
    this.watchers.delete(watcher);
    if (this.watchers.size > 0) return false;
    this.stopped = true;
    clearTimeout(this.timer);
    return true;
  }

  private async tick(): Promise<void> {
    try {
      const summary = await this.summarize(this.matchId);
      const { computedAt: _, ...content } = summary;
      const fingerprint = JSON.stringify(content);
      if (fingerprint !== this.latest?.fingerprint) {
        this.latest = { summary, fingerprint };
        for (const watcher of this.watchers) watcher.offer(summary);
      }
    } catch (error) {
      this.logger.warn({ err: error, matchId: this.matchId }, 'live summary failed; retrying next interval');
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }
}

/** One watcher's mailbox: holds only the newest summary, so a slow reader skips to the latest. */
class Watcher {
  private pending?: MatchReactionSummary;
  private wake?: (summary: MatchReactionSummary | undefined) => void;

  offer(summary: MatchReactionSummary): void {
    if (this.wake) {
      const wake = this.wake;
      this.wake = undefined;
      wake(summary);
    } else {
      this.pending = summary;
    }
  }

  next(signal: AbortSignal): Promise<MatchReactionSummary | undefined> {
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
