import cassandra from 'cassandra-driver';
import type { CassandraClient } from '../shared/cassandra.js';
import { HourIndexWrites } from '../shared/hour-index.js';
import { allShards, shardOf } from '../shared/shard.js';
import { fromCqlMicros, fromCqlTimestamp, hourOf, toCqlMicros, toCqlTimestamp, type Micros } from '../shared/time.js';
import { countryCodes } from '../shared/countries.js';
import { perGame, type PerGame } from '../shared/access/game.js';

/** A session start or end that passed validation. */
export interface SessionHalf {
  kind: 'start' | 'end';
  playerId: string;
  sessionId: string;
  /** Set on starts only. */
  country?: string;
  tsUs: Micros;
}

/** What is stored of one session of a player. */
export interface SessionParts {
  country?: string;
  startUs?: Micros;
  endUs?: Micros;
}

export interface StartRow {
  sessionId: string;
  playerId: string;
  startUs: Micros;
}

export interface CompletedSessionRow {
  sessionId: string;
  country: string;
  startUs: Micros;
  endUs: Micros;
}

/** Scope of the hour index that spans every country. */
const ALL_COUNTRIES = '*';
/** The current hour takes every start; its count partition is spread over this many shards. */
const COUNT_SHARDS = 4;
const shards = allShards(COUNT_SHARDS);

const upsert = { prepare: true, isIdempotent: true };
const read = { prepare: true };

const cql = {
  readParts: 'SELECT country, start_us, end_us FROM game_session_parts_by_player WHERE game = ? AND player_id = ? AND session_id = ?',
  writeStartPart:
    'INSERT INTO game_session_parts_by_player (game, player_id, session_id, country, start_us) VALUES (?, ?, ?, ?, ?) USING TTL ?',
  writeEndPart: 'INSERT INTO game_session_parts_by_player (game, player_id, session_id, end_us) VALUES (?, ?, ?, ?) USING TTL ?',
  writeStartByCountry:
    'INSERT INTO game_session_starts_by_country_hour (game, country, hour, start_us, session_id, player_id) ' +
    'VALUES (?, ?, ?, ?, ?, ?) USING TTL ?',
  writeStartByHour:
    'INSERT INTO game_session_starts_by_hour (game, hour, shard, country, start_us, session_id) VALUES (?, ?, ?, ?, ?, ?) USING TTL ?',
  writeStartHour: 'INSERT INTO game_session_start_hours (game, scope, hour) VALUES (?, ?, ?) USING TTL ?',
  writeCompleted:
    'INSERT INTO game_completed_sessions_by_player (game, player_id, start_us, session_id, end_us, country) ' +
    'VALUES (?, ?, ?, ?, ?, ?) USING TTL ?',
  startHours: 'SELECT hour FROM game_session_start_hours WHERE game = ? AND scope = ? AND hour >= ? AND hour <= ?',
  countStarts:
    'SELECT country, COUNT(*) AS starts FROM game_session_starts_by_hour ' +
    'WHERE game = ? AND hour = ? AND shard IN ? AND country IN ? AND start_us >= ? AND start_us <= ? GROUP BY game, hour, shard, country',
  listStarts:
    'SELECT session_id, player_id, start_us FROM game_session_starts_by_country_hour ' +
    'WHERE game = ? AND country = ? AND hour = ? AND start_us >= ? AND start_us <= ?',
  listCompleted:
    'SELECT session_id, country, start_us, end_us FROM game_completed_sessions_by_player WHERE game = ? AND player_id = ? LIMIT ?',
  sessionsOfPlayer: 'SELECT session_id, country, start_us FROM game_session_parts_by_player WHERE game = ? AND player_id = ?',
  countCompleted: 'SELECT COUNT(*) AS n FROM game_completed_sessions_by_player WHERE game = ? AND player_id = ?',
  deleteStartByCountry:
    'DELETE FROM game_session_starts_by_country_hour WHERE game = ? AND country = ? AND hour = ? AND start_us = ? AND session_id = ?',
  deleteStartByHour:
    'DELETE FROM game_session_starts_by_hour WHERE game = ? AND hour = ? AND shard = ? AND country = ? AND start_us = ? AND session_id = ?',
  deleteCompleted: 'DELETE FROM game_completed_sessions_by_player WHERE game = ? AND player_id = ?',
  deleteParts: 'DELETE FROM game_session_parts_by_player WHERE game = ? AND player_id = ?',
};

/** What erasing a player removed from the session tables. */
export interface ErasedSessions {
  sessions: number;
  completed: number;
  starts: number;
  /** Hours that held starts of theirs: their counts changed. */
  startHours: Micros[];
}

/** The session tables of every game: one store per game, sharing what they remember of the hours written. */
export function sessionStores(client: CassandraClient): PerGame<SessionStore> {
  const hourIndex = new HourIndexWrites();
  return perGame((game) => new SessionStore(client, game, hourIndex));
}

/** The session service's tables, for one game: the only code that speaks CQL for sessions. */
export class SessionStore {
  constructor(
    private readonly client: CassandraClient,
    private readonly game: string,
    private readonly hourIndex: HourIndexWrites,
  ) {}

  async readParts(playerId: string, sessionId: string): Promise<SessionParts | undefined> {
    const result = await this.client.execute(cql.readParts, [this.game, playerId, sessionId], read);
    const row = result.first();
    if (!row) return undefined;
    return {
      country: (row.country as string | null) ?? undefined,
      startUs: optionalMicros(row.start_us as cassandra.types.Long | null),
      endUs: optionalMicros(row.end_us as cassandra.types.Long | null),
    };
  }

  /**
   * Stores one half of a session in every table that serves it, with the TTL its event time calls for. The
   * player's parts row goes last: once it shows the half, every other row of it is stored, so a retry after a
   * failure part-way (which finds no parts row) writes them all again.
   */
  async writeHalf(half: SessionHalf, ttlSeconds: number): Promise<void> {
    const ts = toCqlMicros(half.tsUs);
    if (half.kind === 'end') {
      await this.client.execute(cql.writeEndPart, [this.game, half.playerId, half.sessionId, ts, ttlSeconds], upsert);
      return;
    }
    const hour = hourOf(half.tsUs);
    const hourColumn = toCqlTimestamp(hour);
    const country = half.country!;
    await Promise.all([
      this.client.execute(cql.writeStartByCountry, [this.game, country, hourColumn, ts, half.sessionId, half.playerId, ttlSeconds], upsert),
      this.client.execute(
        cql.writeStartByHour,
        [this.game, hourColumn, shardOf(half.sessionId, COUNT_SHARDS), country, ts, half.sessionId, ttlSeconds],
        upsert,
      ),
      this.writeStartHour(ALL_COUNTRIES, hour, ttlSeconds),
      this.writeStartHour(country, hour, ttlSeconds),
    ]);
    await this.client.execute(cql.writeStartPart, [this.game, half.playerId, half.sessionId, country, ts, ttlSeconds], upsert);
  }

  async writeCompleted(playerId: string, session: CompletedSessionRow, ttlSeconds: number): Promise<void> {
    await this.client.execute(
      cql.writeCompleted,
      [this.game, playerId, toCqlMicros(session.startUs), session.sessionId, toCqlMicros(session.endUs), session.country, ttlSeconds],
      upsert,
    );
  }

  /** Hours (newest first) in [fromHour, toHour] that hold starts of a country, or of any country. */
  async startHours(country: string | undefined, fromHour: Micros, toHour: Micros): Promise<Micros[]> {
    const result = await this.client.execute(
      cql.startHours,
      [this.game, country ?? ALL_COUNTRIES, toCqlTimestamp(fromHour), toCqlTimestamp(toHour)],
      {
        ...read,
        fetchSize: 10_000,
      },
    );
    return result.rows.map((row) => fromCqlTimestamp(row.hour as Date));
  }

  /** Starts per country in one hour whose time lies in [fromUs, toUs]. */
  async countStarts(hour: Micros, fromUs: Micros, toUs: Micros): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const params = [this.game, toCqlTimestamp(hour), shards, countryCodes, toCqlMicros(fromUs), toCqlMicros(toUs)];
    let pageState: string | undefined;
    do {
      const result = await this.client.execute(cql.countStarts, params, { ...read, fetchSize: 5000, pageState });
      for (const row of result.rows) {
        const country = row.country as string;
        counts.set(country, (counts.get(country) ?? 0) + Number(row.starts));
      }
      pageState = result.pageState ?? undefined;
    } while (pageState);
    return counts;
  }

  /** One page of a country's starts in one hour within [fromUs, toUs], newest first. */
  async listStarts(
    country: string,
    hour: Micros,
    fromUs: Micros,
    toUs: Micros,
    fetchSize: number,
    pageState: string | undefined,
  ): Promise<{ rows: StartRow[]; pageState?: string }> {
    const result = await this.client.execute(
      cql.listStarts,
      [this.game, country, toCqlTimestamp(hour), toCqlMicros(fromUs), toCqlMicros(toUs)],
      {
        ...read,
        fetchSize,
        pageState,
      },
    );
    return {
      rows: result.rows.map((row) => ({
        sessionId: (row.session_id as cassandra.types.Uuid).toString(),
        playerId: row.player_id as string,
        startUs: fromCqlMicros(row.start_us as cassandra.types.Long),
      })),
      pageState: result.pageState ?? undefined,
    };
  }

  async listCompleted(playerId: string, limit: number): Promise<CompletedSessionRow[]> {
    const result = await this.client.execute(cql.listCompleted, [this.game, playerId, limit], read);
    return result.rows.map((row) => ({
      sessionId: (row.session_id as cassandra.types.Uuid).toString(),
      country: row.country as string,
      startUs: fromCqlMicros(row.start_us as cassandra.types.Long),
      endUs: fromCqlMicros(row.end_us as cassandra.types.Long),
    }));
  }

  /**
   * Removes every session of a player: their starts from the per-country and per-hour tables, their completed
   * sessions, then their parts (last, as writes do: a retry after a failure part-way finds the sessions again).
   */
  async erasePlayer(playerId: string): Promise<ErasedSessions> {
    const starts: Array<{ sessionId: string; country: string; startUs: Micros }> = [];
    let sessions = 0;
    let pageState: string | undefined;
    do {
      const page = await this.client.execute(cql.sessionsOfPlayer, [this.game, playerId], { ...read, fetchSize: 1000, pageState });
      for (const row of page.rows) {
        sessions++;
        const startUs = optionalMicros(row.start_us as cassandra.types.Long | null);
        if (startUs !== undefined) {
          starts.push({ sessionId: (row.session_id as cassandra.types.Uuid).toString(), country: row.country as string, startUs });
        }
      }
      pageState = page.pageState ?? undefined;
    } while (pageState);
    const completed = Number((await this.client.execute(cql.countCompleted, [this.game, playerId], read)).first().get('n'));
    await cassandra.concurrent.executeConcurrent(
      this.client,
      starts.flatMap(({ sessionId, country, startUs }) => {
        const hour = toCqlTimestamp(hourOf(startUs));
        const ts = toCqlMicros(startUs);
        return [
          { query: cql.deleteStartByCountry, params: [this.game, country, hour, ts, sessionId] },
          { query: cql.deleteStartByHour, params: [this.game, hour, shardOf(sessionId, COUNT_SHARDS), country, ts, sessionId] },
        ];
      }),
      { concurrencyLevel: 32, raiseOnFirstError: true },
    );
    await this.client.execute(cql.deleteCompleted, [this.game, playerId], upsert);
    await this.client.execute(cql.deleteParts, [this.game, playerId], upsert);
    return { sessions, completed, starts: starts.length, startHours: [...new Set(starts.map(({ startUs }) => hourOf(startUs)))] };
  }

  private writeStartHour(scope: string, hour: Micros, ttlSeconds: number): Promise<void> {
    return this.hourIndex.once(`${this.game}/${scope}`, hour, ttlSeconds, (hourTtl) =>
      this.client.execute(cql.writeStartHour, [this.game, scope, toCqlTimestamp(hour), hourTtl], upsert),
    );
  }
}

function optionalMicros(value: cassandra.types.Long | null | undefined): Micros | undefined {
  return value === null || value === undefined ? undefined : fromCqlMicros(value);
}
