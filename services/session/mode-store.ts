import cassandra from 'cassandra-driver';
import type { CassandraClient } from '../shared/cassandra.js';
import { HourIndexWrites } from '../shared/hour-index.js';
import { shardOf } from '../shared/shard.js';
import { mapConcurrently } from '../shared/batch.js';
import { dayOf, fromCqlMicros, fromCqlTimestamp, hourOf, micros, toCqlMicros, toCqlTimestamp, type Micros } from '../shared/time.js';
import { perGame, type PerGame } from '../shared/access/game.js';
import type { ModeActionName, ModeRow, Place } from './mode-presence.js';

/** One LOGIN of a window's hour. */
export interface LoginRow {
  mode: string;
  userId: string;
  tsUs: Micros;
}

/** An area's users active now, by mode, and when the first of them goes idle if that is known. */
export interface ActiveCounts {
  counts: Map<string, number>;
  firstIdleUs: Micros | undefined;
}

/**
 * Active users of an area sit in one partition (shard 0): it holds only users active now, and a count over one
 * partition is twice as fast as over several (which Cassandra also logs a warning for, per query).
 */
const ACTIVE_SHARDS = 1;
const actionCodes = { login: 1, logout: 2 } as const;
const actionNames: Record<number, ModeActionName> = { 1: 'login', 2: 'logout' };
/** Rows of a user's day read per page while walking their history back. */
const HISTORY_PAGE = 100;

const upsert = { prepare: true, isIdempotent: true };
const read = { prepare: true };

const cql = {
  findEvent: 'SELECT event_id FROM game_mode_events_by_user_day WHERE game = ? AND user_id = ? AND day = ? AND ts_us = ? AND event_id = ?',
  writeEvent:
    'INSERT INTO game_mode_events_by_user_day (game, user_id, day, ts_us, event_id, area_code, mode, action) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?',
  eventsOfDay:
    'SELECT ts_us, event_id, area_code, mode, action FROM game_mode_events_by_user_day WHERE game = ? AND user_id = ? AND day = ? ' +
    'ORDER BY ts_us DESC, event_id DESC',
  enterArea:
    'INSERT INTO game_mode_active_users_by_area (game, area_code, shard, mode, user_id, idle_at_us) VALUES (?, ?, ?, ?, ?, ?) ' +
    'USING TIMESTAMP ? AND TTL ?',
  leaveArea:
    'DELETE FROM game_mode_active_users_by_area USING TIMESTAMP ? WHERE game = ? AND area_code = ? AND shard = ? AND mode = ? AND user_id = ?',
  countActive:
    'SELECT mode, COUNT(*) AS n, MIN(idle_at_us) AS first_idle_us FROM game_mode_active_users_by_area ' +
    'WHERE game = ? AND area_code = ? AND shard = 0 GROUP BY mode',
  writeLogin:
    'INSERT INTO game_mode_logins_by_area_hour (game, area_code, hour, mode, user_id, ts_us, event_id) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?',
  writeLoginHour: 'INSERT INTO game_mode_login_hours_by_area (game, area_code, hour) VALUES (?, ?, ?) USING TTL ?',
  loginHours: 'SELECT hour FROM game_mode_login_hours_by_area WHERE game = ? AND area_code = ? AND hour >= ?',
  loginsInHour: 'SELECT mode, user_id, ts_us FROM game_mode_logins_by_area_hour WHERE game = ? AND area_code = ? AND hour = ?',
  deleteLogin:
    'DELETE FROM game_mode_logins_by_area_hour WHERE game = ? AND area_code = ? AND hour = ? AND mode = ? AND user_id = ? AND ts_us = ? AND event_id = ?',
  isActive:
    'SELECT user_id FROM game_mode_active_users_by_area WHERE game = ? AND area_code = ? AND shard = ? AND mode = ? AND user_id = ?',
  deleteDay: 'DELETE FROM game_mode_events_by_user_day WHERE game = ? AND user_id = ? AND day = ?',
};

/** Days of a user's history read at once while erasing them. */
const DAYS_READ_AT_ONCE = 16;

/** What erasing a user removed from the mode tables. */
export interface ErasedModes {
  events: number;
  logins: number;
  /** Places (area and mode) the user was active in, and is not any more. */
  activeIn: number;
  /** Areas whose rankings may have changed. */
  areaCodes: string[];
}

/** The mode tables of every game: one store per game, sharing what they remember of the hours written. */
export function modeStores(client: CassandraClient): PerGame<ModeStore> {
  const loginHours = new HourIndexWrites();
  return perGame((game) => new ModeStore(client, game, loginHours));
}

/** The session service's mode tables, for one game: the only code that speaks CQL for multiplayer-mode presence. */
export class ModeStore {
  constructor(
    private readonly client: CassandraClient,
    private readonly game: string,
    private readonly loginHours: HourIndexWrites,
  ) {}

  async hasEvent(row: ModeRow): Promise<boolean> {
    const params = [this.game, row.userId, toCqlTimestamp(dayOf(row.tsUs)), toCqlMicros(row.tsUs), row.eventId];
    return (await this.client.execute(cql.findEvent, params, read)).rowLength > 0;
  }

  /** Records the event itself: from now on it is a duplicate. */
  async writeEvent(row: ModeRow, ttlSeconds: number): Promise<void> {
    const params = [
      this.game,
      row.userId,
      toCqlTimestamp(dayOf(row.tsUs)),
      toCqlMicros(row.tsUs),
      row.eventId,
      row.areaCode,
      row.mode,
      actionCodes[row.action],
      ttlSeconds,
    ];
    await this.client.execute(cql.writeEvent, params, upsert);
  }

  /**
   * The user's events of one UTC day, newest first, a page at a time: the caller stops reading once it has walked
   * back far enough.
   */
  async *eventsOfDay(userId: string, day: Micros): AsyncGenerator<ModeRow> {
    let pageState: string | undefined;
    do {
      const page = await this.client.execute(cql.eventsOfDay, [this.game, userId, toCqlTimestamp(day)], {
        ...read,
        fetchSize: HISTORY_PAGE,
        pageState,
      });
      for (const row of page.rows) {
        yield {
          eventId: row.event_id as string,
          userId,
          areaCode: row.area_code as string,
          mode: row.mode as string,
          action: actionNames[row.action as number],
          tsUs: fromCqlMicros(row.ts_us as cassandra.types.Long),
        };
      }
      pageState = page.pageState ?? undefined;
    } while (pageState);
  }

  /**
   * The user is active in `place` as of `writeTimeUs` (a later leave or enter of theirs wins, whatever lands first)
   * until `idleAtUs`, when the row expires.
   */
  async enterArea(place: Place, userId: string, writeTimeUs: Micros, idleAtUs: Micros, ttlSeconds: number): Promise<void> {
    const params = [
      this.game,
      place.areaCode,
      shardOf(userId, ACTIVE_SHARDS),
      place.mode,
      userId,
      toCqlMicros(idleAtUs),
      toCqlMicros(writeTimeUs),
      ttlSeconds,
    ];
    await this.client.execute(cql.enterArea, params, upsert);
  }

  async leaveArea(place: Place, userId: string, writeTimeUs: Micros): Promise<void> {
    const params = [toCqlMicros(writeTimeUs), this.game, place.areaCode, shardOf(userId, ACTIVE_SHARDS), place.mode, userId];
    await this.client.execute(cql.leaveArea, params, upsert);
  }

  /**
   * Users active now in each mode of the area, and when the first of them goes idle (undefined when nobody is
   * active, or when a row from before idle times were kept is among them).
   */
  async countActive(areaCode: string): Promise<ActiveCounts> {
    const result = await this.client.execute(cql.countActive, [this.game, areaCode], read);
    const counts = new Map<string, number>();
    let firstIdleUs = Infinity;
    let allIdleTimesKnown = true;
    for (const row of result.rows) {
      const mode = row.mode as string;
      counts.set(mode, (counts.get(mode) ?? 0) + Number(row.n));
      const idleUs = row.first_idle_us as cassandra.types.Long | null;
      if (idleUs === null) allIdleTimesKnown = false;
      else firstIdleUs = Math.min(firstIdleUs, fromCqlMicros(idleUs));
    }
    return { counts, firstIdleUs: allIdleTimesKnown && firstIdleUs !== Infinity ? micros(firstIdleUs) : undefined };
  }

  async writeLogin(row: ModeRow, ttlSeconds: number): Promise<void> {
    const hourStart = hourOf(row.tsUs);
    const hour = toCqlTimestamp(hourStart);
    await this.loginHours.once(`${this.game}/${row.areaCode}`, hourStart, ttlSeconds, (hourTtl) =>
      this.client.execute(cql.writeLoginHour, [this.game, row.areaCode, hour, hourTtl], upsert),
    );
    const params = [this.game, row.areaCode, hour, row.mode, row.userId, toCqlMicros(row.tsUs), row.eventId, ttlSeconds];
    await this.client.execute(cql.writeLogin, params, upsert);
  }

  /** The hours of the area, from `sinceHour` on, that hold logins. */
  async loginHoursSince(areaCode: string, sinceHour: Micros): Promise<Micros[]> {
    const result = await this.client.execute(cql.loginHours, [this.game, areaCode, toCqlTimestamp(sinceHour)], read);
    return result.rows.map((row) => fromCqlTimestamp(row.hour as Date));
  }

  async loginsInHour(areaCode: string, hour: Micros): Promise<LoginRow[]> {
    const rows: LoginRow[] = [];
    let pageState: string | undefined;
    do {
      const page = await this.client.execute(cql.loginsInHour, [this.game, areaCode, toCqlTimestamp(hour)], {
        ...read,
        fetchSize: 5000,
        pageState,
      });
      for (const row of page.rows)
        rows.push({ mode: row.mode as string, userId: row.user_id as string, tsUs: fromCqlMicros(row.ts_us as cassandra.types.Long) });
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return rows;
  }

  /**
   * Removes a user from the mode tables: their logins from each area's hours, their presence in every place they
   * were seen (as of `writeTimeUs`, so a later event of theirs counts again), then their history, day by day (last:
   * a retry after a failure part-way finds the rest again). `days` are the UTC days that may hold their events.
   */
  async erasePlayer(userId: string, days: readonly Micros[], writeTimeUs: Micros): Promise<ErasedModes> {
    const byDay = await mapConcurrently(days, DAYS_READ_AT_ONCE, async (day) => {
      const events: ModeRow[] = [];
      for await (const event of this.eventsOfDay(userId, day)) events.push(event);
      return { day, events };
    });
    const events = byDay.flatMap(({ events }) => events);
    const logins = events.filter((event) => event.action === 'login');
    const places = new Map(
      events.map((event) => [JSON.stringify([event.areaCode, event.mode]), { areaCode: event.areaCode, mode: event.mode }]),
    );
    await cassandra.concurrent.executeConcurrent(
      this.client,
      logins.map((login) => ({
        query: cql.deleteLogin,
        params: [this.game, login.areaCode, toCqlTimestamp(hourOf(login.tsUs)), login.mode, userId, toCqlMicros(login.tsUs), login.eventId],
      })),
      { concurrencyLevel: 32, raiseOnFirstError: true },
    );
    const activeIn = await Promise.all(
      [...places.values()].map(async (place) => {
        const params = [this.game, place.areaCode, shardOf(userId, ACTIVE_SHARDS), place.mode, userId];
        const wasActive = (await this.client.execute(cql.isActive, params, read)).rowLength > 0;
        await this.leaveArea(place, userId, writeTimeUs);
        return wasActive;
      }),
    );
    const daysHeld = byDay.filter(({ events }) => events.length > 0).map(({ day }) => day);
    await Promise.all(daysHeld.map((day) => this.client.execute(cql.deleteDay, [this.game, userId, toCqlTimestamp(day)], upsert)));
    return {
      events: events.length,
      logins: logins.length,
      activeIn: activeIn.filter(Boolean).length,
      areaCodes: [...new Set([...places.values()].map((place) => place.areaCode))],
    };
  }
}
