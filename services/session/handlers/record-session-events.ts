import type { CacheInvalidation } from '../../shared/cache.js';
import { recordBatch } from '../../shared/batch.js';
import { ttlSecondsFor } from '../../shared/retention.js';
import type { UnaryHandler } from '../../shared/handler.js';
import { hourOf, isClosedOrClosing, type Clock, type Micros } from '../../shared/time.js';
import type { RecordSessionEventsRequest, RecordSessionEventsResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { SessionHalf, SessionParts, SessionStore } from '../store.js';
import { validateSessionEvent } from '../validation.js';
import { hourCountsKey } from './count-session-starts.js';

/** What recording sessions needs of the store. */
export type SessionHalvesStore = Pick<SessionStore, 'readParts' | 'writeHalf' | 'writeCompleted'>;

/**
 * Stores session starts and ends. An event is a duplicate when its half of the session is already stored (a retried
 * batch changes nothing); a session becomes complete when its second half arrives, in either order.
 */
export class RecordSessionEventsHandler implements UnaryHandler<RecordSessionEventsRequest, RecordSessionEventsResponse> {
  constructor(
    private readonly store: SessionHalvesStore,
    private readonly cache: CacheInvalidation,
    private readonly clock: Clock,
  ) {}

  async handle(request: RecordSessionEventsRequest): Promise<RecordSessionEventsResponse> {
    const now = this.clock();
    const { results, stored } = await recordBatch(request.events, {
      validate: (event) => validateSessionEvent(event, now),
      dedupeKey: (half) => `${half.kind}/${half.playerId}/${half.sessionId}`,
      store: (half) => this.record(half, now),
    });
    const changedHours = stored
      .filter((half) => half.kind === 'start')
      .map((half) => hourOf(half.tsUs))
      .filter((hour) => isClosedOrClosing(hour, now));
    this.cache.invalidate([...new Set(changedHours)].map(hourCountsKey));
    return { results };
  }

  /** Stores one half; false if that half of the session was already stored. */
  private async record(half: SessionHalf, now: Micros): Promise<boolean> {
    const before = await this.store.readParts(half.playerId, half.sessionId);
    if ((half.kind === 'start' ? before?.startUs : before?.endUs) !== undefined) {
      // A retry of a call that failed after storing the half but before completing the session completes it now.
      if (before && isComplete(before)) await this.complete(half.playerId, half.sessionId, before, now);
      return false;
    }
    await this.store.writeHalf(half, ttlSecondsFor(half.tsUs, now));
    let parts = withHalf(before, half);
    // If the other half was missing before our write, it may have been written meanwhile by another call: read
    // again after our write, so that whichever of two racing writers reads last sees both halves.
    if (!isComplete(parts)) parts = withHalf(await this.store.readParts(half.playerId, half.sessionId), half);
    if (isComplete(parts)) await this.complete(half.playerId, half.sessionId, parts, now);
    return true;
  }

  private complete(playerId: string, sessionId: string, parts: SessionParts, now: Micros): Promise<void> {
    return this.store.writeCompleted(
      playerId,
      { sessionId, country: parts.country!, startUs: parts.startUs!, endUs: parts.endUs! },
      ttlSecondsFor(parts.startUs!, now),
    );
  }
}

function withHalf(parts: SessionParts | undefined, half: SessionHalf): SessionParts {
  return half.kind === 'start' ? { ...parts, startUs: half.tsUs, country: half.country } : { ...parts, endUs: half.tsUs };
}

function isComplete(parts: SessionParts): boolean {
  return parts.startUs !== undefined && parts.endUs !== undefined && parts.country !== undefined;
}
