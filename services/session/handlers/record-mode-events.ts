import { recordBatch } from '../../shared/batch.js';
import { ttlSecondsFor } from '../../shared/retention.js';
import type { UnaryHandler } from '../../shared/rpc.js';
import { ContendedWriteError } from '../../shared/storage-errors.js';
import type { Clock } from '../../shared/time.js';
import type { RecordModeEventsRequest, RecordModeEventsResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { emptyPresenceState, mergeModeEvent, placeKey, presenceOf, type ModeRow, type Place, type Presence } from '../mode-presence.js';
import type { ModeStore, PresenceRecord } from '../mode-store.js';
import { validateModeEvent } from '../mode-validation.js';

/** Compare-and-set attempts on one user's presence before the event is answered retryable. */
const MAX_PRESENCE_ATTEMPTS = 10;

/**
 * Stores LOGIN / LOGOUT events and moves their users. Each user's presence row changes by compare-and-set on its
 * version, so replicas writing the same users at once take turns per user, and events merge in any order with the
 * same result (mode-presence.ts); the index of active users is then written with the new version as its write time,
 * so whichever lands last, the latest change stays. The event row is written last: an event whose call failed
 * halfway is not a duplicate, and its retry completes it.
 */
export class RecordModeEventsHandler implements UnaryHandler<RecordModeEventsRequest, RecordModeEventsResponse> {
  constructor(
    private readonly store: ModeStore,
    private readonly idleSeconds: number,
    private readonly clock: Clock,
  ) {}

  async handle(request: RecordModeEventsRequest): Promise<RecordModeEventsResponse> {
    const now = this.clock();
    // A user's events of one batch take turns: racing each other they would only lose compare-and-sets and retry.
    const turns = new Map<string, Promise<unknown>>();
    const inTurn = <T>(userId: string, task: () => Promise<T>): Promise<T> => {
      const mine = (turns.get(userId) ?? Promise.resolve()).catch(() => undefined).then(task);
      turns.set(userId, mine);
      return mine;
    };
    const { results } = await recordBatch(request.events, {
      validate: (envelope, index) => validateModeEvent(envelope, index, now),
      dedupeKey: (row) => row.eventId,
      store: (row) => inTurn(row.userId, () => this.record(row, now)),
    });
    return { results };
  }

  private async record(row: ModeRow, now: number): Promise<boolean> {
    const [known, presence] = await Promise.all([this.store.hasEvent(row), this.store.readPresence(row.userId)]);
    if (known) return false;
    const ttl = ttlSecondsFor(row.tsUs / 1000, now);
    await Promise.all([this.move(row, presence, now * 1000), row.action === 'login' ? this.store.writeLogin(row, ttl) : undefined]);
    await this.store.writeEvent(row, ttl);
    return true;
  }

  /**
   * Merges the event into its user's presence (`current` as read; compare-and-set, retried on contention) and
   * publishes the result.
   */
  private async move(row: ModeRow, current: PresenceRecord | undefined, nowUs: number): Promise<void> {
    const idleUs = this.idleSeconds * 1_000_000;
    for (let attempt = 0; attempt < MAX_PRESENCE_ATTEMPTS; attempt++) {
      const state = mergeModeEvent(current?.state ?? emptyPresenceState(), row, idleUs);
      const keepUs = Math.max(...state.runs.map(([, last]) => last)) + 2 * idleUs - nowUs;
      // Too old to put anyone anywhere now or later: nothing to keep.
      if (keepUs <= 0) return;
      const presence = presenceOf(state, idleUs);
      const here = presence && presence.untilUs > nowUs ? presence : undefined;
      if (current && JSON.stringify(state) === JSON.stringify(current.state)) {
        // Merged before (a resent event, or a call that failed halfway): make sure the index says so.
        return this.publish(row.userId, current.published, here, current.version, nowUs);
      }
      const version = Math.max(nowUs, (current?.version ?? 0) + 1);
      const published = here ? { areaCode: here.areaCode, mode: here.mode } : undefined;
      if (await this.store.replacePresence(row.userId, current?.version, { state, version, published }, seconds(keepUs))) {
        return this.publish(row.userId, current?.published, here, version, nowUs);
      }
      current = await this.store.readPresence(row.userId, { serial: true });
    }
    throw new ContendedWriteError(`presence of ${row.userId} changed under every attempt`);
  }

  /** Moves the user in the index of active users from where it was published to where they are now. */
  private async publish(
    userId: string,
    before: Place | undefined,
    after: Presence | undefined,
    version: number,
    nowUs: number,
  ): Promise<void> {
    await Promise.all([
      before && (!after || placeKey(before) !== placeKey(after)) ? this.store.leaveArea(before, userId, version) : undefined,
      after ? this.store.enterArea(after, userId, version, seconds(after.untilUs - nowUs)) : undefined,
    ]);
  }
}

const seconds = (micros: number) => Math.max(1, Math.ceil(micros / 1_000_000));
