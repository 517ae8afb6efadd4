import type { CacheInvalidation } from '../../shared/cache.js';
import { recordBatch } from '../../shared/batch.js';
import { isRejection, type Rejection } from '../../shared/event-rules.js';
import { ttlSecondsFor } from '../../shared/retention.js';
import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { hourOf, isClosedOrClosing, type Clock, type Micros } from '../../shared/time.js';
import type { RecordSessionEventsRequest, RecordSessionEventsResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { SessionHalf, SessionParts, SessionStore } from '../store.js';
import { validateSessionEvent } from '../validation.js';
import { hourCountsKey } from './count-session-starts.js';

/** What recording sessions needs of the store. */
export type SessionHalvesStore = Pick<SessionStore, 'readParts' | 'writeHalf' | 'writeCompleted'>;

/**
 * Stores session starts and ends, as the call's game's. An event is a duplicate when its half of the session is already stored (a retried
 * batch changes nothing); a session becomes complete when its second half arrives, in either order.
 */
export class RecordSessionEventsHandler implements UnaryHandler<RecordSessionEventsRequest, RecordSessionEventsResponse> {
  constructor(
    private readonly stores: PerGame<SessionHalvesStore>,
    private readonly cache: CacheInvalidation,
    private readonly clock: Clock,
  ) {}

  async handle(request: RecordSessionEventsRequest, context: CallContext): Promise<RecordSessionEventsResponse> {
    const now = this.clock();
    const game = gameOf(context);
    const store = this.stores(game);
    const halves = new HalvesOfBatch();
    const pairs = new Map<string, Promise<PairOutcome>>();
    const { results, stored } = await recordBatch(request.events, {
      validate: (event) => halves.note(validateSessionEvent(event, now)),
      dedupeKey: (half) => `${half.kind}/${sessionKey(half)}`,
      store: async (half) => {
        const pair = halves.pairOf(half);
        if (!pair) return this.record(store, half, now);
        const key = sessionKey(half);
        if (!pairs.has(key)) pairs.set(key, this.recordPair(store, pair, now));
        const outcome = (await pairs.get(key)!)[half.kind];
        if ('failure' in outcome) throw outcome.failure;
        return outcome.isNew;
      },
    });
    const changedHours = stored
      .filter((half) => half.kind === 'start')
      .map((half) => hourOf(half.tsUs))
      .filter((hour) => isClosedOrClosing(hour, now));
    this.cache.invalidate([...new Set(changedHours)].map((hour) => hourCountsKey(game, hour)));
    return { results };
  }

  /** Stores one half; false if that half of the session was already stored. */
  private async record(store: SessionHalvesStore, half: SessionHalf, now: Micros): Promise<boolean> {
    const before = await store.readParts(half.playerId, half.sessionId);
    if ((half.kind === 'start' ? before?.startUs : before?.endUs) !== undefined) {
      // A retry of a call that failed after storing the half but before completing the session completes it now.
      if (before && isComplete(before)) await this.complete(store, half.playerId, half.sessionId, before, now);
      return false;
    }
    await store.writeHalf(half, ttlSecondsFor(half.tsUs, now));
    let parts = withHalf(before, half);
    // If the other half was missing before our write, it may have been written meanwhile by another call: read
    // again after our write, so that whichever of two racing writers reads last sees both halves.
    if (!isComplete(parts)) parts = withHalf(await store.readParts(half.playerId, half.sessionId), half);
    if (isComplete(parts)) await this.complete(store, half.playerId, half.sessionId, parts, now);
    return true;
  }

  /**
   * Stores both halves of a session that came in one batch: one read for both, and no read after the writes, since
   * once they are stored the session is complete whatever another call does meanwhile. Says of each half whether it
   * was new, or why it could not be stored (the other half's outcome stands on its own).
   */
  private async recordPair(store: SessionHalvesStore, { start, end }: SessionPair, now: Micros): Promise<PairOutcome> {
    const before = await store.readParts(start.playerId, start.sessionId);
    const isNew = { start: before?.startUs === undefined, end: before?.endUs === undefined };
    const [startWrite, endWrite] = await Promise.allSettled([
      isNew.start && store.writeHalf(start, ttlSecondsFor(start.tsUs, now)),
      isNew.end && store.writeHalf(end, ttlSecondsFor(end.tsUs, now)),
    ]);
    const outcome = (write: PromiseSettledResult<unknown>, wasNew: boolean) =>
      write.status === 'rejected' ? { failure: write.reason as unknown } : { isNew: wasNew };
    if (startWrite.status === 'rejected' || endWrite.status === 'rejected') {
      return { start: outcome(startWrite, isNew.start), end: outcome(endWrite, isNew.end) };
    }
    // A half stored before stands as stored (a duplicate in the batch may differ from it).
    const parts: SessionParts = {
      country: isNew.start ? start.country : before?.country,
      startUs: isNew.start ? start.tsUs : before?.startUs,
      endUs: isNew.end ? end.tsUs : before?.endUs,
    };
    // Also when both were stored already: a retry completes a session whose completion was lost.
    if (isComplete(parts)) await this.complete(store, start.playerId, start.sessionId, parts, now);
    return { start: { isNew: isNew.start }, end: { isNew: isNew.end } };
  }

  private complete(store: SessionHalvesStore, playerId: string, sessionId: string, parts: SessionParts, now: Micros): Promise<void> {
    return store.writeCompleted(
      playerId,
      { sessionId, country: parts.country!, startUs: parts.startUs!, endUs: parts.endUs! },
      ttlSecondsFor(parts.startUs!, now),
    );
  }
}

/** Per half: whether it was new, or the error that kept it from being stored. */
type PairOutcome = Record<SessionHalf['kind'], { isNew: boolean } | { failure: unknown }>;

interface SessionPair {
  start: SessionHalf;
  end: SessionHalf;
}

const sessionKey = (half: SessionHalf) => `${half.playerId}/${half.sessionId}`;

/** The valid halves of one batch by session (the first of each kind, as recordBatch keeps), to store pairs together. */
class HalvesOfBatch {
  private readonly bySession = new Map<string, Partial<SessionPair>>();

  /** Notes a validated half (recordBatch validates every event before storing any); passes a rejection through. */
  note(validated: SessionHalf | Rejection): SessionHalf | Rejection {
    if (isRejection(validated)) return validated;
    const key = sessionKey(validated);
    const halves = this.bySession.get(key) ?? {};
    halves[validated.kind] ??= validated;
    this.bySession.set(key, halves);
    return validated;
  }

  /** Both halves of this half's session, when the batch holds both. */
  pairOf(half: SessionHalf): SessionPair | undefined {
    const { start, end } = this.bySession.get(sessionKey(half)) ?? {};
    return start && end ? { start, end } : undefined;
  }
}

function withHalf(parts: SessionParts | undefined, half: SessionHalf): SessionParts {
  return half.kind === 'start' ? { ...parts, startUs: half.tsUs, country: half.country } : { ...parts, endUs: half.tsUs };
}

function isComplete(parts: SessionParts): boolean {
  return parts.startUs !== undefined && parts.endUs !== undefined && parts.country !== undefined;
}
