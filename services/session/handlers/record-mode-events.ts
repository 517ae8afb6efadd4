import { recordBatch } from '../../shared/batch.js';
import { ttlSecondsFor } from '../../shared/retention.js';
import type { UnaryHandler } from '../../shared/rpc.js';
import { ContendedWriteError } from '../../shared/storage-errors.js';
import type { Clock } from '../../shared/time.js';
import type {
  RecordModeEventsRequest,
  RecordModeEventsResponse,
} from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { applyModeEvent, type ModeRow } from '../mode-presence.js';
import type { ModeStore } from '../mode-store.js';
import { validateModeEvent } from '../mode-validation.js';

/** Compare-and-set attempts on one user's presence before the event is answered retryable. */
const MAX_PRESENCE_ATTEMPTS = 10;

/**
 * Stores LOGIN / LOGOUT events and moves their users. Each user's presence changes by compare-and-set on their
 * latest event, so replicas writing the same users at once take turns per user; the index of active users is then
 * written with the event's time as its write time, so whichever lands last, the later event's effect stays. The
 * event row is written last: an event whose call failed halfway is not a duplicate, and its retry completes it.
 */
export class RecordModeEventsHandler implements UnaryHandler<RecordModeEventsRequest, RecordModeEventsResponse> {
  constructor(
    private readonly store: ModeStore,
    private readonly idleSeconds: number,
    private readonly clock: Clock,
  ) {}

  async handle(request: RecordModeEventsRequest): Promise<RecordModeEventsResponse> {
    const now = this.clock();
    const { results } = await recordBatch(request.events, {
      validate: (envelope, index) => validateModeEvent(envelope, index, now),
      dedupeKey: (row) => row.eventId,
      store: (row) => this.record(row, now),
    });
    return { results };
  }

  private async record(row: ModeRow, now: number): Promise<boolean> {
    if (await this.store.hasEvent(row)) return false;
    const idleSecondsLeft = Math.floor((row.tsUs / 1000 + this.idleSeconds * 1000 - now) / 1000);
    // An event older than the idle time moves nobody: its effect would have expired already.
    if (idleSecondsLeft > 0) await this.move(row, idleSecondsLeft);
    const ttl = ttlSecondsFor(row.tsUs / 1000, now);
    if (row.action === 'login') await this.store.writeLogin(row, ttl);
    await this.store.writeEvent(row, ttl);
    return true;
  }

  private async move(row: ModeRow, ttlSeconds: number): Promise<void> {
    let current = await this.store.readPresence(row.userId);
    for (let attempt = 0; attempt < MAX_PRESENCE_ATTEMPTS; attempt++) {
      if (current?.eventId === row.eventId && current.tsUs === row.tsUs) {
        // Applied by an earlier call that failed before answering: complete its index write.
        if (current.present) await this.store.enterArea(current, row.userId, row.tsUs, ttlSeconds);
        return;
      }
      const change = applyModeEvent(current, row, this.idleSeconds * 1_000_000);
      if (!change) return;
      if (await this.store.replacePresence(row.userId, current, change.next, ttlSeconds)) {
        await Promise.all([
          change.leave && this.store.leaveArea(change.leave, row.userId, row.tsUs),
          change.enter && this.store.enterArea(change.enter, row.userId, row.tsUs, ttlSeconds),
        ]);
        return;
      }
      current = await this.store.readPresence(row.userId, { serial: true });
    }
    throw new ContendedWriteError(`presence of ${row.userId} changed under every attempt`);
  }
}
