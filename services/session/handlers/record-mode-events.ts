import { recordBatch } from '../../shared/batch.js';
import type { GenerationRenewal } from '../../shared/cache.js';
import { MAX_FUTURE, ttlSecondsFor } from '../../shared/retention.js';
import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { after, before, DAY, dayOf, elapsed, micros, seconds, secondsRoundedUp, type Clock, type Micros } from '../../shared/time.js';
import type { RecordModeEventsRequest, RecordModeEventsResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { endsLiveHistory, presenceNow, type ModeRow } from '../mode-presence.js';
import type { ModeStore } from '../mode-store.js';
import { validateModeEvent } from '../mode-validation.js';
import { activeRankingGeneration } from '../ranking-generation.js';
import { WriteClock } from '../write-clock.js';

/**
 * How far back a user's history is walked at most: a user whose events never pause for the idle time over more than
 * this is judged by these last events only (a LOGIN before them no longer counts).
 */
const MAX_HISTORY_EVENTS = 500;

/** What recording mode events needs of the store. */
export type ModeEventsStore = Pick<ModeStore, 'hasEvent' | 'writeEvent' | 'writeLogin' | 'eventsOfDay' | 'enterArea' | 'leaveArea'>;

/**
 * Stores LOGIN / LOGOUT events (as the call's game's) and moves their users, with no read-modify-write of anything shared. The event is
 * stored first; then the user's live history (their events back to the last pause of the idle time) is read and
 * where it puts them now is published to the index of active users, removing them from every other place a LOGIN
 * of that history named, all at a write time taken after the event was stored. Of writers racing on one user, the
 * one with the latest write time read every event the others stored (each took its write time after storing), so
 * its publication, which overrides theirs, is the right one (mode-presence.ts has the rules; merging is order-free).
 * A resent event is answered duplicate and publishes again, so a call that failed halfway is completed by its retry.
 * Each publication then renews the ranking generation of the areas it touched, so cached rankings of them are re-read.
 */
export class RecordModeEventsHandler implements UnaryHandler<RecordModeEventsRequest, RecordModeEventsResponse> {
  private readonly writeClock = new WriteClock();

  constructor(
    private readonly stores: PerGame<ModeEventsStore>,
    private readonly rankings: GenerationRenewal,
    private readonly idleSeconds: number,
    private readonly clock: Clock,
  ) {}

  async handle(request: RecordModeEventsRequest, context: CallContext): Promise<RecordModeEventsResponse> {
    const now = this.clock();
    const game = gameOf(context);
    const store = this.stores(game);
    // A user's events of one batch take turns, in request order: each publication then sees the ones before it.
    const turns = new Map<string, Promise<unknown>>();
    const inTurn = <T>(userId: string, task: () => Promise<T>): Promise<T> => {
      const mine = (turns.get(userId) ?? Promise.resolve()).catch(() => undefined).then(task);
      turns.set(userId, mine);
      return mine;
    };
    const { results } = await recordBatch(request.events, {
      validate: (envelope, index) => validateModeEvent(envelope, index, now),
      dedupeKey: (row) => row.eventId,
      store: (row) => inTurn(row.userId, () => this.record(game, store, row, now)),
    });
    return { results };
  }

  private async record(game: string, store: ModeEventsStore, row: ModeRow, now: Micros): Promise<boolean> {
    const known = await store.hasEvent(row);
    const ttl = ttlSecondsFor(row.tsUs, now);
    await Promise.all([store.writeEvent(row, ttl), row.action === 'login' ? store.writeLogin(row, ttl) : undefined]);
    await this.publish(game, store, row.userId);
    return !known;
  }

  private async publish(game: string, store: ModeEventsStore, userId: string): Promise<void> {
    const writeTimeUs = this.writeClock.next();
    const now = this.clock();
    const idle = seconds(this.idleSeconds);
    const { here, elsewhere } = presenceNow(await this.liveHistory(store, userId, now, idle), now, idle);
    await Promise.all([
      ...elsewhere.map((place) => store.leaveArea(place, userId, writeTimeUs)),
      here
        ? store.enterArea(here, userId, writeTimeUs, here.untilUs, Math.max(1, secondsRoundedUp(elapsed(now, here.untilUs))))
        : undefined,
    ]);
    // Only once the index holds the publication: a reader that sees the new generation then reads it.
    const areas = new Set([...(here ? [here.areaCode] : []), ...elsewhere.map((place) => place.areaCode)]);
    // Not awaited: the gateways confirm rankings every 100 ms, and a mode event's answer does not wait on Redis.
    for (const areaCode of areas) void this.rankings.renewGeneration(activeRankingGeneration(game, areaCode));
  }

  /** The user's events, newest first, back to the first that can no longer put them anywhere now. */
  private async liveHistory(store: ModeEventsStore, userId: string, now: Micros, idle: Micros): Promise<ModeRow[]> {
    const history: ModeRow[] = [];
    const oldest = () => history.at(-1)?.tsUs;
    for (let day = dayOf(after(now, MAX_FUTURE)); ; day = before(day, DAY)) {
      for await (const event of store.eventsOfDay(userId, day)) {
        if (endsLiveHistory(event.tsUs, oldest(), now, idle)) return history;
        history.push(event);
        if (history.length >= MAX_HISTORY_EVENTS) return history;
      }
      // Every earlier day's event is before this day began.
      if (endsLiveHistory(before(day, micros(1)), oldest(), now, idle)) return history;
    }
  }
}
