import type { CassandraClient } from '../shared/cassandra.js';
import cassandra from 'cassandra-driver';
import { mapConcurrently } from '../shared/batch.js';
import { HourIndexWrites } from '../shared/hour-index.js';
import { allShards, shardOf } from '../shared/shard.js';
import { fromCqlTimestamp, hourOf, toCqlMicros, toCqlTimestamp, type Micros } from '../shared/time.js';

export type EngagementKindName = 'click' | 'impression';

export interface EngagementRow {
  /** The game the event belongs to: every count is within one game. */
  game: string;
  eventId: string;
  /** The id is a fresh one ingest made up (the event came without one): no stored event can carry it. */
  idAssigned?: boolean;
  username: string;
  kind: EngagementKindName;
  tsUs: Micros;
}

export interface ReactionRow {
  /** The game the reaction belongs to: every query is within one game. */
  game: string;
  eventId: string;
  /** The id is a fresh one ingest made up (the reaction came without one): no stored reaction can carry it. */
  idAssigned?: boolean;
  matchId: string;
  /** Lower-case emoticon name, e.g. `heart`. */
  emoticon: string;
  tsUs: Micros;
}

export interface HourEngagement {
  uniqueUsers: number;
  clicks: number;
  impressions: number;
}

const ENGAGEMENT_SHARDS = 8;
/** (user, hour) rows of distinct users a process remembers having written (about 100 bytes each). */
const ENGAGED_USERS_REMEMBERED = 100_000;
const REACTION_SHARDS = 4;
const engagementShards = allShards(ENGAGEMENT_SHARDS);
const reactionShards = allShards(REACTION_SHARDS);

const upsert = { prepare: true, isIdempotent: true };
const read = { prepare: true };

const cql = {
  findEngagement: 'SELECT event_id FROM game_engagements_by_hour WHERE game = ? AND hour = ? AND shard = ? AND kind = ? AND event_id = ?',
  writeEngagement:
    'INSERT INTO game_engagements_by_hour (game, hour, shard, kind, event_id, username, ts) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?',
  writeEngagedUser: 'INSERT INTO game_engaged_users_by_hour (game, hour, shard, username) VALUES (?, ?, ?, ?) USING TTL ?',
  countEngagements:
    'SELECT kind, COUNT(*) AS n FROM game_engagements_by_hour WHERE game = ? AND hour = ? AND shard IN ? GROUP BY game, hour, shard, kind',
  countEngagedUsers:
    'SELECT COUNT(*) AS n FROM game_engaged_users_by_hour WHERE game = ? AND hour = ? AND shard IN ? GROUP BY game, hour, shard',
  findReaction:
    'SELECT event_id FROM game_reactions_by_match ' +
    'WHERE game = ? AND match_id = ? AND hour = ? AND shard = ? AND emoticon = ? AND ts_us = ? AND event_id = ?',
  writeReaction:
    'INSERT INTO game_reactions_by_match (game, match_id, hour, shard, emoticon, ts_us, event_id) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?',
  writeReactionHour: 'INSERT INTO game_reaction_hours_by_match (game, match_id, hour) VALUES (?, ?, ?) USING TTL ?',
  reactionHours: 'SELECT hour FROM game_reaction_hours_by_match WHERE game = ? AND match_id = ?',
  countReactions:
    'SELECT emoticon, COUNT(*) AS n FROM game_reactions_by_match WHERE game = ? AND match_id = ? AND hour = ? AND shard IN ? ' +
    'GROUP BY game, match_id, hour, shard, emoticon',
  countReactionsSince:
    'SELECT emoticon, COUNT(*) AS n FROM game_reactions_by_match WHERE game = ? AND match_id = ? AND hour = ? AND shard IN ? ' +
    'AND emoticon IN ? AND ts_us >= ? AND ts_us <= ? GROUP BY game, match_id, hour, shard, emoticon',
  findEngagedUser: 'SELECT username FROM game_engaged_users_by_hour WHERE game = ? AND hour = ? AND shard = ? AND username = ?',
  engagementsOfShard: 'SELECT kind, event_id, username FROM game_engagements_by_hour WHERE game = ? AND hour = ? AND shard = ?',
  deleteEngagement: 'DELETE FROM game_engagements_by_hour WHERE game = ? AND hour = ? AND shard = ? AND kind = ? AND event_id = ?',
  deleteEngagedUser: 'DELETE FROM game_engaged_users_by_hour WHERE game = ? AND hour = ? AND shard = ? AND username = ?',
};

/** Hours looked up at once for a user being erased. */
const HOURS_LOOKED_UP_AT_ONCE = 64;

/** What erasing a user removed from the engagement tables. */
export interface ErasedEngagement {
  events: number;
  /** Hours the user was counted in: their counts changed. */
  hours: Micros[];
}

/** The reaction service's tables: the only code that speaks CQL for engagement and reactions. */
export class ReactionStore {
  private readonly hourIndex = new HourIndexWrites();
  private readonly engagedUsers = new HourIndexWrites(ENGAGED_USERS_REMEMBERED);

  constructor(private readonly client: CassandraClient) {}

  async hasEngagement(row: EngagementRow): Promise<boolean> {
    const hour = toCqlTimestamp(hourOf(row.tsUs));
    const params = [row.game, hour, shardOf(row.eventId, ENGAGEMENT_SHARDS), row.kind, row.eventId];
    return (await this.client.execute(cql.findEngagement, params, read)).rowLength > 0;
  }

  /**
   * Adds the user to the hour's distinct users (idempotent, so harmless for a duplicate event), once per process and
   * hour: a user's later events in the hour find the row written and skip a statement.
   */
  async writeEngagedUser(row: EngagementRow, ttlSeconds: number): Promise<void> {
    const hourStart = hourOf(row.tsUs);
    await this.engagedUsers.once(`${row.game}/${row.username}`, hourStart, ttlSeconds, (hourTtl) =>
      this.client.execute(
        cql.writeEngagedUser,
        [row.game, toCqlTimestamp(hourStart), shardOf(row.username, ENGAGEMENT_SHARDS), row.username, hourTtl],
        upsert,
      ),
    );
  }

  /** Stores the event itself; written after its user, so that once it is found the whole event is stored. */
  async writeEngagementEvent(row: EngagementRow, ttlSeconds: number): Promise<void> {
    const hour = toCqlTimestamp(hourOf(row.tsUs));
    await this.client.execute(
      cql.writeEngagement,
      [row.game, hour, shardOf(row.eventId, ENGAGEMENT_SHARDS), row.kind, row.eventId, row.username, toCqlTimestamp(row.tsUs), ttlSeconds],
      upsert,
    );
  }

  async countEngagement(game: string, hourStart: Micros): Promise<HourEngagement> {
    const hour = toCqlTimestamp(hourStart);
    const [events, users] = await Promise.all([
      this.client.execute(cql.countEngagements, [game, hour, engagementShards], read),
      this.client.execute(cql.countEngagedUsers, [game, hour, engagementShards], read),
    ]);
    const result = { uniqueUsers: 0, clicks: 0, impressions: 0 };
    for (const row of events.rows) {
      if (row.kind === 'click') result.clicks += Number(row.n);
      else if (row.kind === 'impression') result.impressions += Number(row.n);
    }
    for (const row of users.rows) result.uniqueUsers += Number(row.n);
    return result;
  }

  /**
   * Removes a user's clicks and impressions, and the user from each hour's distinct users, in the `hours` that may
   * hold them: a point read per hour finds where they were counted, and only those hours' events are read. The user's
   * row goes last, so a retry after a failure part-way finds the hour again.
   */
  async eraseEngagements(game: string, username: string, hours: readonly Micros[]): Promise<ErasedEngagement> {
    const userShard = shardOf(username, ENGAGEMENT_SHARDS);
    const found = await mapConcurrently(hours, HOURS_LOOKED_UP_AT_ONCE, async (hour) => {
      const result = await this.client.execute(cql.findEngagedUser, [game, toCqlTimestamp(hour), userShard, username], read);
      return result.rowLength > 0;
    });
    const engagedHours = hours.filter((_, index) => found[index]);
    let events = 0;
    for (const hourStart of engagedHours) {
      const hour = toCqlTimestamp(hourStart);
      for (const shard of engagementShards) {
        const theirs: Array<{ kind: string; eventId: string }> = [];
        let pageState: string | undefined;
        do {
          const page = await this.client.execute(cql.engagementsOfShard, [game, hour, shard], { ...read, fetchSize: 5000, pageState });
          for (const row of page.rows) {
            if (row.username === username) theirs.push({ kind: row.kind as string, eventId: row.event_id as string });
          }
          pageState = page.pageState ?? undefined;
        } while (pageState);
        await cassandra.concurrent.executeConcurrent(
          this.client,
          theirs.map(({ kind, eventId }) => ({ query: cql.deleteEngagement, params: [game, hour, shard, kind, eventId] })),
          { concurrencyLevel: 32, raiseOnFirstError: true },
        );
        events += theirs.length;
      }
      await this.client.execute(cql.deleteEngagedUser, [game, hour, userShard, username], upsert);
    }
    this.engagedUsers.forget(`${game}/${username}`);
    return { events, hours: engagedHours };
  }

  async hasReaction(row: ReactionRow): Promise<boolean> {
    const params = [
      row.game,
      row.matchId,
      toCqlTimestamp(hourOf(row.tsUs)),
      shardOf(row.eventId, REACTION_SHARDS),
      row.emoticon,
      toCqlMicros(row.tsUs),
      row.eventId,
    ];
    return (await this.client.execute(cql.findReaction, params, read)).rowLength > 0;
  }

  async writeReaction(row: ReactionRow, ttlSeconds: number): Promise<void> {
    const hourStart = hourOf(row.tsUs);
    const hour = toCqlTimestamp(hourStart);
    await this.hourIndex.once(`${row.game}/${row.matchId}`, hourStart, ttlSeconds, (hourTtl) =>
      this.client.execute(cql.writeReactionHour, [row.game, row.matchId, hour, hourTtl], upsert),
    );
    await this.client.execute(
      cql.writeReaction,
      [row.game, row.matchId, hour, shardOf(row.eventId, REACTION_SHARDS), row.emoticon, toCqlMicros(row.tsUs), row.eventId, ttlSeconds],
      upsert,
    );
  }

  /** Hours (newest first) that hold reactions of a game's match. */
  async reactionHours(game: string, matchId: string): Promise<Micros[]> {
    const result = await this.client.execute(cql.reactionHours, [game, matchId], { ...read, fetchSize: 10_000 });
    return result.rows.map((row) => fromCqlTimestamp(row.hour as Date));
  }

  /** Reactions per emoticon of a game's match in one hour, optionally only those with a time in [fromUs, toUs]. */
  async countReactions(
    game: string,
    matchId: string,
    hour: Micros,
    range?: { emoticons: string[]; fromUs: Micros; toUs: Micros },
  ): Promise<Map<string, number>> {
    const result = range
      ? await this.client.execute(
          cql.countReactionsSince,
          [game, matchId, toCqlTimestamp(hour), reactionShards, range.emoticons, toCqlMicros(range.fromUs), toCqlMicros(range.toUs)],
          read,
        )
      : await this.client.execute(cql.countReactions, [game, matchId, toCqlTimestamp(hour), reactionShards], read);
    const counts = new Map<string, number>();
    for (const row of result.rows) {
      const emoticon = row.emoticon as string;
      counts.set(emoticon, (counts.get(emoticon) ?? 0) + Number(row.n));
    }
    return counts;
  }
}
