import cassandra from 'cassandra-driver';
import type { CassandraClient } from '../shared/cassandra.js';
import { HourIndexWrites } from '../shared/hour-index.js';
import { shardOf } from '../shared/shard.js';
import { DAY_MS, hourOf } from '../shared/time.js';
import type { ModeRow, Place, PresenceState } from './mode-presence.js';

/** A user's presence row: the merged state of their events, its version, and the place last published as theirs. */
export interface PresenceRecord {
  state: PresenceState;
  version: number;
  published?: Place;
}

/** One LOGIN of a window's hour. */
export interface LoginRow {
  mode: string;
  userId: string;
  tsUs: number;
}

/**
 * Active users of an area sit in one partition (shard 0): it holds only users active now, and a count over one
 * partition is twice as fast as over several (which Cassandra also logs a warning for, per query).
 */
const ACTIVE_SHARDS = 1;
const actionCodes = { login: 1, logout: 2 } as const;

const upsert = { prepare: true, isIdempotent: true };
const read = { prepare: true };
// A compare-and-set is not replayed blindly by the driver: the caller reads its outcome and decides.
const compareAndSet = { prepare: true, isIdempotent: false };

const long = (micros: number) => cassandra.types.Long.fromNumber(micros);
const dayOf = (micros: number) => new Date(Math.floor(micros / 1000 / DAY_MS) * DAY_MS);

const cql = {
  findEvent: 'SELECT event_id FROM mode_events_by_user_day WHERE user_id = ? AND day = ? AND ts_us = ? AND event_id = ?',
  writeEvent:
    'INSERT INTO mode_events_by_user_day (user_id, day, ts_us, event_id, area_code, mode, action) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?',
  readPresence: 'SELECT state, version, area_code, mode FROM mode_presence_by_user WHERE user_id = ?',
  insertPresence:
    'INSERT INTO mode_presence_by_user (user_id, state, version, area_code, mode) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS USING TTL ?',
  replacePresence:
    'UPDATE mode_presence_by_user USING TTL ? SET state = ?, version = ?, area_code = ?, mode = ? WHERE user_id = ? IF version = ?',
  enterArea: 'INSERT INTO mode_active_users_by_area (area_code, shard, mode, user_id) VALUES (?, ?, ?, ?) USING TIMESTAMP ? AND TTL ?',
  leaveArea: 'DELETE FROM mode_active_users_by_area USING TIMESTAMP ? WHERE area_code = ? AND shard = ? AND mode = ? AND user_id = ?',
  countActive: 'SELECT mode, COUNT(*) AS n FROM mode_active_users_by_area WHERE area_code = ? AND shard = 0 GROUP BY mode',
  writeLogin:
    'INSERT INTO mode_logins_by_area_hour (area_code, hour, mode, user_id, ts_us, event_id) VALUES (?, ?, ?, ?, ?, ?) USING TTL ?',
  writeLoginHour: 'INSERT INTO mode_login_hours_by_area (area_code, hour) VALUES (?, ?) USING TTL ?',
  loginHours: 'SELECT hour FROM mode_login_hours_by_area WHERE area_code = ? AND hour >= ?',
  loginsInHour: 'SELECT mode, user_id, ts_us FROM mode_logins_by_area_hour WHERE area_code = ? AND hour = ?',
};

/** The session service's mode tables: the only code that speaks CQL for multiplayer-mode presence. */
export class ModeStore {
  private readonly loginHours = new HourIndexWrites();

  constructor(private readonly client: CassandraClient) {}

  async hasEvent(row: ModeRow): Promise<boolean> {
    const params = [row.userId, dayOf(row.tsUs), long(row.tsUs), row.eventId];
    return (await this.client.execute(cql.findEvent, params, read)).rowLength > 0;
  }

  /** Records the event itself: from now on it is a duplicate. */
  async writeEvent(row: ModeRow, ttlSeconds: number): Promise<void> {
    const params = [row.userId, dayOf(row.tsUs), long(row.tsUs), row.eventId, row.areaCode, row.mode, actionCodes[row.action], ttlSeconds];
    await this.client.execute(cql.writeEvent, params, upsert);
  }

  /** The user's presence row; `serial` reads it through Paxos, to see a compare-and-set that another writer won. */
  async readPresence(userId: string, { serial = false } = {}): Promise<PresenceRecord | undefined> {
    const options = serial ? { ...read, consistency: cassandra.types.consistencies.localSerial } : read;
    const row = (await this.client.execute(cql.readPresence, [userId], options)).first();
    if (!row) return undefined;
    return {
      state: JSON.parse(row.state as string) as PresenceState,
      version: Number(row.version),
      ...(row.area_code ? { published: { areaCode: row.area_code as string, mode: row.mode as string } } : {}),
    };
  }

  /** Replaces the user's presence row with `next` if it is still at `expectedVersion` (undefined: no row). */
  async replacePresence(userId: string, expectedVersion: number | undefined, next: PresenceRecord, ttlSeconds: number): Promise<boolean> {
    const values = [JSON.stringify(next.state), long(next.version), next.published?.areaCode ?? null, next.published?.mode ?? null];
    const result =
      expectedVersion === undefined
        ? await this.client.execute(cql.insertPresence, [userId, ...values, ttlSeconds], compareAndSet)
        : await this.client.execute(cql.replacePresence, [ttlSeconds, ...values, userId, long(expectedVersion)], compareAndSet);
    return result.first().get('[applied]') === true;
  }

  /** The user is active in `place` as of `version` (a later leave or enter of theirs wins, whatever lands first). */
  async enterArea(place: Place, userId: string, version: number, ttlSeconds: number): Promise<void> {
    const params = [place.areaCode, shardOf(userId, ACTIVE_SHARDS), place.mode, userId, long(version), ttlSeconds];
    await this.client.execute(cql.enterArea, params, upsert);
  }

  async leaveArea(place: Place, userId: string, version: number): Promise<void> {
    const params = [long(version), place.areaCode, shardOf(userId, ACTIVE_SHARDS), place.mode, userId];
    await this.client.execute(cql.leaveArea, params, upsert);
  }

  /** Users active now in each mode of the area. */
  async countActive(areaCode: string): Promise<Map<string, number>> {
    const result = await this.client.execute(cql.countActive, [areaCode], read);
    const counts = new Map<string, number>();
    for (const row of result.rows) {
      const mode = row.mode as string;
      counts.set(mode, (counts.get(mode) ?? 0) + Number(row.n));
    }
    return counts;
  }

  async writeLogin(row: ModeRow, ttlSeconds: number): Promise<void> {
    const hourMs = hourOf(row.tsUs / 1000);
    const hour = new Date(hourMs);
    await this.loginHours.once(row.areaCode, hourMs, ttlSeconds, (hourTtl) =>
      this.client.execute(cql.writeLoginHour, [row.areaCode, hour, hourTtl], upsert),
    );
    const params = [row.areaCode, hour, row.mode, row.userId, long(row.tsUs), row.eventId, ttlSeconds];
    await this.client.execute(cql.writeLogin, params, upsert);
  }

  /** The hours of the area, from `sinceHourMs` on, that hold logins. */
  async loginHoursSince(areaCode: string, sinceHourMs: number): Promise<number[]> {
    const result = await this.client.execute(cql.loginHours, [areaCode, new Date(sinceHourMs)], read);
    return result.rows.map((row) => (row.hour as Date).getTime());
  }

  async loginsInHour(areaCode: string, hourMs: number): Promise<LoginRow[]> {
    const rows: LoginRow[] = [];
    let pageState: string | undefined;
    do {
      const page = await this.client.execute(cql.loginsInHour, [areaCode, new Date(hourMs)], { ...read, fetchSize: 5000, pageState });
      for (const row of page.rows) rows.push({ mode: row.mode as string, userId: row.user_id as string, tsUs: Number(row.ts_us) });
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return rows;
  }
}
