import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { Code, ConnectError, type CallOptions } from '@connectrpc/connect';
import { EventOutcome, type EventResult } from './gen/gamepulse/common/v1/event_result_pb.js';
import { EventSchema, type Event, type IngestEventsRequestSchema } from './gen/gamepulse/ingest/v1/ingest_pb.js';
import { backoffDelayMs, retryAfterMs, type Backoff } from './backoff.js';
import { newEventId } from './event-id.js';

/** An event as the caller builds it (any kind: session start or end, mode, engagement, reaction). */
export type EventInit = MessageInitShape<typeof EventSchema>;

/** What the sender needs of an ingest client: `createClient(IngestService, transport)` is one. */
export interface IngestCaller {
  ingestEvents(request: MessageInitShape<typeof IngestEventsRequestSchema>, options?: CallOptions): Promise<{ results: EventResult[] }>;
}

/** What happens to `send` when the queue is full. */
export type WhenFull = 'drop-oldest' | 'block';

export interface EventSenderOptions {
  /** Events per call, 1 to 500 (ingest's limit). Default 100. */
  maxBatchSize?: number;
  /** How long the first event of a batch waits for more before a smaller batch goes. Default 50 ms. */
  lingerMs?: number;
  /** Events held at most, sent or not yet. Default 10,000. */
  maxQueued?: number;
  /**
   * A full queue: `drop-oldest` (default) makes room by dropping the oldest event, counted in `dropped` and given to
   * `onDropped`; `block` makes `send` wait until there is room.
   */
  whenFull?: WhenFull;
  /** Batches in flight at once. Default 2. */
  maxInFlight?: number;
  /** Deadline of one call. Default 10 s. */
  callTimeoutMs?: number;
  /** Waits between retries of a failed call: exponential from `initialMs` to `maxMs`, with full jitter. */
  backoff?: Partial<Backoff>;
  /** An event ingest refused for its content (retrying it is useless): the reason names the field and the rule. */
  onRejected?: (event: Event, reason: string, field: string) => void;
  /** An event dropped from a full queue (`drop-oldest`). */
  onDropped?: (event: Event) => void;
}

/** How many events ended each way so far, and how many are still held. */
export interface SenderCounts {
  accepted: number;
  duplicate: number;
  rejected: number;
  dropped: number;
  /** Sends of an event again after a retryable failure (one event may count several times). */
  retried: number;
  /** Held now: queued, or in a call that has not answered. */
  pending: number;
}

export const MAX_BATCH_SIZE = 500;

/**
 * Whole-call failures worth sending again: the server or the network, not the request. The sender never cancels a
 * call itself, so CANCELED is the other side going away (an HTTP/2 stream reset by a server that died).
 */
const RETRYABLE_CODES = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.ResourceExhausted, Code.Aborted, Code.Canceled]);

/**
 * Sends events to gamepulse's ingest in batches, by size and by time, and never loses one it accepted into its queue
 * while it has room: every event gets a unique `event_id` when it is sent in (unless it has one), so a batch sent
 * again after a failure stores nothing twice (ingest answers `duplicate`). Whole calls that fail for retryable reasons
 * (RETRYABLE_CODES) and single events ingest could not store ("not stored … retry") are sent again after an
 * exponential, jittered wait; events ingest rejects for their content, and calls refused for their input or their key,
 * are never retried (`onRejected`). `flush()` and `close()` resolve once everything held has been answered.
 */
export class EventSender {
  private readonly queue: Event[] = [];
  private readonly maxBatchSize: number;
  private readonly lingerMs: number;
  private readonly maxQueued: number;
  private readonly whenFull: WhenFull;
  private readonly maxInFlight: number;
  private readonly callTimeoutMs: number;
  private readonly backoff: Backoff;
  private readonly counts: Omit<SenderCounts, 'pending'> = { accepted: 0, duplicate: 0, rejected: 0, dropped: 0, retried: 0 };
  private inFlight = 0;
  private heldInCalls = 0;
  private failuresInARow = 0;
  private notBefore = 0;
  private wake: { at: number; timer: ReturnType<typeof setTimeout> } | undefined;
  private flushers = 0;
  private closed = false;
  private readonly waitingForRoom: Array<() => void> = [];
  private readonly waitingForIdle: Array<() => void> = [];

  constructor(
    private readonly ingest: IngestCaller,
    private readonly options: EventSenderOptions = {},
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 100;
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1 || this.maxBatchSize > MAX_BATCH_SIZE) {
      throw new RangeError(`maxBatchSize: 1 to ${MAX_BATCH_SIZE}, got ${this.maxBatchSize}`);
    }
    this.lingerMs = options.lingerMs ?? 50;
    this.maxQueued = options.maxQueued ?? 10_000;
    if (this.maxQueued < this.maxBatchSize) throw new RangeError(`maxQueued: at least maxBatchSize (${this.maxBatchSize})`);
    this.whenFull = options.whenFull ?? 'drop-oldest';
    this.maxInFlight = options.maxInFlight ?? 2;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.backoff = { initialMs: 100, maxMs: 5000, ...options.backoff };
  }

  /**
   * Queues an event, giving it an `event_id` unless it has one; resolves once it is queued (at once, unless the
   * queue is full and `whenFull` is `block`). Throws once the sender is closed.
   */
  send(init: EventInit): Promise<void> {
    if (this.closed) return Promise.reject(new Error('EventSender: closed; events can no longer be sent'));
    const event = create(EventSchema, init);
    if (event.eventId === '') event.eventId = newEventId();
    if (this.queue.length < this.maxQueued) {
      this.enqueue(event);
      return Promise.resolve();
    }
    if (this.whenFull === 'block') {
      return new Promise((resolve) => this.waitingForRoom.push(() => (this.enqueue(event), resolve())));
    }
    const dropped = this.queue.shift()!;
    this.counts.dropped++;
    this.options.onDropped?.(dropped);
    this.enqueue(event);
    return Promise.resolve();
  }

  /** Sends everything held without waiting for full batches; resolves once all of it has been answered. */
  async flush(): Promise<void> {
    this.flushers++;
    try {
      this.pump();
      if (this.pending() > 0) await new Promise<void>((resolve) => this.waitingForIdle.push(resolve));
    } finally {
      this.flushers--;
    }
  }

  /** Refuses new events, delivers what is held (as `flush`), and answers the final counts. */
  async close(): Promise<SenderCounts> {
    this.closed = true;
    await this.flush();
    if (this.wake) clearTimeout(this.wake.timer);
    this.wake = undefined;
    return this.stats();
  }

  stats(): SenderCounts {
    return { ...this.counts, pending: this.pending() };
  }

  private pending(): number {
    return this.queue.length + this.heldInCalls + this.waitingForRoom.length;
  }

  private enqueue(event: Event): void {
    this.queue.push(event);
    this.pump();
  }

  /**
   * Starts every batch that may go now: full ones, and a partial one once its first event has waited `lingerMs` (at
   * once while flushing); sets the timer for the next that will.
   */
  private pump(lingerOver = false): void {
    const now = Date.now();
    if (now < this.notBefore) return this.wakeAt(this.notBefore);
    const partialMayGo = lingerOver || this.flushers > 0;
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      if (this.queue.length < this.maxBatchSize && !partialMayGo) return this.wakeAt(now + this.lingerMs);
      void this.dispatch(this.queue.splice(0, this.maxBatchSize));
    }
  }

  private wakeAt(at: number): void {
    if (this.wake && this.wake.at <= at) return;
    if (this.wake) clearTimeout(this.wake.timer);
    const timer = setTimeout(
      () => {
        this.wake = undefined;
        this.pump(true);
      },
      Math.max(0, at - Date.now()),
    );
    this.wake = { at, timer };
  }

  private async dispatch(batch: Event[]): Promise<void> {
    this.inFlight++;
    this.heldInCalls += batch.length;
    this.letWaitersIn();
    let again: Event[] = [];
    let waitMs = 0;
    try {
      const { results } = await this.ingest.ingestEvents({ events: batch }, { timeoutMs: this.callTimeoutMs });
      const answered = new Set<number>();
      for (const result of results) {
        const event = batch[result.index];
        if (!event || answered.has(result.index)) continue;
        answered.add(result.index);
        if (result.outcome === EventOutcome.ACCEPTED) this.counts.accepted++;
        else if (result.outcome === EventOutcome.DUPLICATE) this.counts.duplicate++;
        else if (result.outcome === EventOutcome.REJECTED) this.reject(event, result.reason, result.field);
        else again.push(event);
      }
      again.push(...batch.filter((_, index) => !answered.has(index)));
    } catch (error) {
      const failure = ConnectError.from(error);
      if (RETRYABLE_CODES.has(failure.code)) {
        again = batch;
        waitMs = retryAfterMs(failure.metadata.get('retry-after'));
      } else {
        for (const event of batch) this.reject(event, failure.message, '');
      }
    } finally {
      this.inFlight--;
      this.heldInCalls -= batch.length;
    }
    if (again.length > 0) {
      this.counts.retried += again.length;
      this.queue.unshift(...again);
      this.failuresInARow++;
      this.notBefore = Math.max(this.notBefore, Date.now() + Math.max(waitMs, backoffDelayMs(this.backoff, this.failuresInARow)));
    } else {
      this.failuresInARow = 0;
    }
    this.letWaitersIn();
    this.pump();
    if (this.pending() === 0) this.waitingForIdle.splice(0).forEach((resolve) => resolve());
  }

  private reject(event: Event, reason: string, field: string): void {
    this.counts.rejected++;
    this.options.onRejected?.(event, reason, field);
  }

  private letWaitersIn(): void {
    while (this.waitingForRoom.length > 0 && this.queue.length < this.maxQueued) this.waitingForRoom.shift()!();
  }
}
