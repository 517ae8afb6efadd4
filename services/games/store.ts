import type cassandra from 'cassandra-driver';
import type { CassandraClient } from '../shared/cassandra.js';
import { RETENTION } from '../shared/retention.js';
import { allShards, shardOf } from '../shared/shard.js';
import { after, DAY, fromCqlMillis, toCqlMillis, wholeSeconds, type Micros } from '../shared/time.js';
import { perGame, type PerGame } from '../shared/access/game.js';
import type { PlayerFields } from './player-formats.js';
import type { Totals } from './totals.js';

/** How a game ended for one of its players. */
export type Outcome = 'win' | 'lose' | 'draw';

/** A claim on a game id: what was stored under it, and the aggregate part that counts it. */
export interface GameClaim {
  content: string;
  partId: string;
  day: number;
  importedAt: Micros;
}

export interface PlayerGame {
  gameId: string;
  opponentId: string;
  outcome: Outcome;
  /** When the game was imported: it expires a year later. */
  importedAt: Micros;
}

export interface AggregatePart {
  state: 'open' | 'final';
  startedAt: Micros;
  candidates: string[];
  totals: Totals | undefined;
}

export interface SingleGameRow {
  playerId: string;
  gameId: string;
  outcome: Outcome;
}

/** Game claims are spread over this many partitions by a hash of the game id (see the schema). */
export const CLAIM_BUCKETS = 64;
export const claimBucketOf = (gameId: string) => shardOf(gameId, CLAIM_BUCKETS);
/** Players with one game are spread over this many partitions; a page merges them in player id order. */
export const SINGLE_PLAYER_SHARDS = 8;
const singleShards = allShards(SINGLE_PLAYER_SHARDS);
const ALL_DAYS = 'all';
/** A day's index row outlives every part written on that day. */
const DAY_INDEX_TTL_SECONDS = wholeSeconds(after(RETENTION, DAY));
/** Open-part index rows outlive any recovery by far. */
const OPEN_INDEX_TTL_SECONDS = 3 * 86_400;
/** Write timestamps of the single-game list: a removal always wins over an addition. */
const SINGLE_ADDED_AT = 1;
const SINGLE_REMOVED_AT = 2;

/** Keys per `IN` read: one statement instead of a round trip each, small enough for the coordinator. */
const IN_SLICE = 100;

const upsert = { prepare: true, isIdempotent: true };
const read = { prepare: true };

const cql = {
  claimGame:
    'INSERT INTO game_games_by_bucket (game, bucket, game_id, content, part_id, day, imported_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
    'IF NOT EXISTS USING TTL ?',
  readClaim: 'SELECT content, part_id, day, imported_ms FROM game_games_by_bucket WHERE game = ? AND bucket = ? AND game_id = ?',
  claimsOfBucket: 'SELECT game_id, content, imported_ms FROM game_games_by_bucket WHERE game = ? AND bucket = ?',
  writePlayerGame:
    'INSERT INTO game_games_by_player (game, player_id, game_id, opponent_id, outcome, imported_ms) VALUES (?, ?, ?, ?, ?, ?) USING TTL ?',
  playerGames: 'SELECT game_id, opponent_id, outcome, imported_ms FROM game_games_by_player WHERE game = ? AND player_id = ? LIMIT ?',
  everyPlayerGame: 'SELECT game_id, opponent_id, outcome, imported_ms FROM game_games_by_player WHERE game = ? AND player_id = ?',
  addSingle:
    'INSERT INTO game_single_game_players (game, shard, player_id, game_id, outcome) VALUES (?, ?, ?, ?, ?) ' +
    `USING TIMESTAMP ${SINGLE_ADDED_AT} AND TTL ?`,
  removeSingle: `DELETE FROM game_single_game_players USING TIMESTAMP ${SINGLE_REMOVED_AT} WHERE game = ? AND shard = ? AND player_id = ?`,
  singlesAfter: 'SELECT player_id, game_id, outcome FROM game_single_game_players WHERE game = ? AND shard = ? AND player_id > ? LIMIT ?',
  readProfiles: 'SELECT player_id, nationality, name, email, gender FROM game_players_by_id WHERE game = ? AND player_id IN ?',
  gamesHeld: 'SELECT player_id, game_id FROM game_games_by_player WHERE game = ? AND player_id IN ? PER PARTITION LIMIT 2',
  writeProfile: 'INSERT INTO game_players_by_id (game, player_id, nationality, name, email, gender) VALUES (?, ?, ?, ?, ?, ?) USING TTL ?',
  allProfiles: 'SELECT game, player_id, nationality FROM game_players_by_id',
  openPart:
    "INSERT INTO game_aggregate_parts_by_day (game, day, part_id, state, started_ms, candidates) VALUES (?, ?, ?, 'open', ?, ?) USING TTL ?",
  indexOpenPart: 'INSERT INTO game_open_aggregate_parts (day, game, part_id, started_ms) VALUES (?, ?, ?, ?) USING TTL ?',
  finishPart:
    "INSERT INTO game_aggregate_parts_by_day (game, day, part_id, state, started_ms, totals) VALUES (?, ?, ?, 'final', ?, ?) USING TTL ?",
  unindexOpenPart: 'DELETE FROM game_open_aggregate_parts WHERE day = ? AND game = ? AND part_id = ?',
  indexDay: 'INSERT INTO game_part_days_by_scope (game, scope, day) VALUES (?, ?, ?) USING TTL ?',
  days: 'SELECT day FROM game_part_days_by_scope WHERE game = ? AND scope = ?',
  openParts: 'SELECT part_id, started_ms FROM game_open_aggregate_parts WHERE day = ? AND game = ?',
  gamesWithOpenParts: 'SELECT game FROM game_open_aggregate_parts WHERE day = ?',
  readPart: 'SELECT state, started_ms, candidates, totals FROM game_aggregate_parts_by_day WHERE game = ? AND day = ? AND part_id = ?',
  partsOfDay: 'SELECT state, totals FROM game_aggregate_parts_by_day WHERE game = ? AND day = ?',
  rewriteClaim: 'UPDATE game_games_by_bucket USING TTL ? SET content = ? WHERE game = ? AND bucket = ? AND game_id = ? IF EXISTS',
  deletePlayerGame: 'DELETE FROM game_games_by_player WHERE game = ? AND player_id = ? AND game_id = ?',
  readErasure: 'SELECT erased_as FROM game_players_by_id WHERE game = ? AND player_id = ?',
  markErased:
    'UPDATE game_players_by_id USING TTL ? SET nationality = null, name = null, email = null, gender = null, erased_as = ? ' +
    'WHERE game = ? AND player_id = ?',
  deleteProfile: 'DELETE FROM game_players_by_id WHERE game = ? AND player_id = ?',
};

/** The Connect-4 tables of every game: one store per game, and the import parts left open across games. */
export function gamesStores(client: CassandraClient): PerGame<GamesStore> & { gamesWithOpenParts(day: number): Promise<string[]> } {
  return Object.assign(
    perGame((game) => new GamesStore(client, game)),
    {
      /** The games with import parts of `day` not finished yet (for recovery). */
      async gamesWithOpenParts(day: number): Promise<string[]> {
        const result = await client.execute(cql.gamesWithOpenParts, [day], { ...read, fetchSize: 10_000 });
        return [...new Set(result.rows.map((row) => row.get('game') as string))];
      },
    },
  );
}

/** The games service's tables, for one game: the only code that speaks CQL for Connect-4. */
export class GamesStore {
  constructor(
    private readonly client: CassandraClient,
    private readonly game: string,
  ) {}

  /**
   * Claims each game id for its claim, unless it is taken already: then says what holds it. The games of one bucket
   * go in one conditional batch; a batch refused because some of its ids are taken returns those, and the rest go
   * again, until every id is claimed or known to be taken.
   */
  async claimGames(claims: ReadonlyArray<{ gameId: string; claim: GameClaim }>, ttlSeconds: number): Promise<Map<string, GameClaim>> {
    const holders = new Map<string, GameClaim>();
    const byBucket = new Map<number, Array<{ gameId: string; claim: GameClaim }>>();
    for (const entry of claims) {
      const bucket = claimBucketOf(entry.gameId);
      if (!byBucket.has(bucket)) byBucket.set(bucket, []);
      byBucket.get(bucket)!.push(entry);
    }
    await Promise.all(
      [...byBucket].map(async ([bucket, entries]) => {
        let pending = entries;
        while (pending.length > 0) {
          const queries = pending.map(({ gameId, claim }) => ({
            query: cql.claimGame,
            params: [this.game, bucket, gameId, claim.content, claim.partId, claim.day, toCqlMillis(claim.importedAt), ttlSeconds],
          }));
          const result = await this.client.batch(queries, { prepare: true });
          if (result.first().get('[applied]')) return;
          const taken = result.rows.filter((row) => row.get('game_id') !== null);
          if (taken.length === 0) throw new Error('a refused conditional batch named no row that was taken');
          for (const row of taken) holders.set(row.get('game_id') as string, claimOf(row));
          pending = pending.filter(({ gameId }) => !holders.has(gameId));
        }
      }),
    );
    return holders;
  }

  async readClaim(gameId: string): Promise<GameClaim | undefined> {
    const row = (await this.client.execute(cql.readClaim, [this.game, claimBucketOf(gameId), gameId], read)).first();
    return row ? claimOf(row) : undefined;
  }

  /** Every stored game, bucket by bucket (for the audit). */
  async *allClaims(): AsyncGenerator<{ gameId: string; content: string; importedAt: Micros }> {
    for (let bucket = 0; bucket < CLAIM_BUCKETS; bucket++) {
      for await (const row of this.rows(cql.claimsOfBucket, [this.game, bucket], 5000)) {
        yield {
          gameId: row.get('game_id') as string,
          content: row.get('content') as string,
          importedAt: fromCqlMillis(row.get('imported_ms') as cassandra.types.Long),
        };
      }
    }
  }

  async writePlayerGame(playerId: string, game: PlayerGame, ttlSeconds: number): Promise<void> {
    await this.client.execute(
      cql.writePlayerGame,
      [this.game, playerId, game.gameId, game.opponentId, game.outcome, toCqlMillis(game.importedAt), ttlSeconds],
      upsert,
    );
  }

  /** Up to `limit` games of a player, by game id. */
  async playerGames(playerId: string, limit: number): Promise<PlayerGame[]> {
    const result = await this.client.execute(cql.playerGames, [this.game, playerId, limit], { ...read, fetchSize: limit });
    return result.rows.map(playerGameOf);
  }

  /** Every game of a player (paged through, however many). */
  async *everyPlayerGame(playerId: string): AsyncGenerator<PlayerGame> {
    for await (const row of this.rows(cql.everyPlayerGame, [this.game, playerId], 1000)) {
      yield playerGameOf(row);
    }
  }

  async addSingleGamePlayer(row: SingleGameRow, ttlSeconds: number): Promise<void> {
    await this.client.execute(
      cql.addSingle,
      [this.game, shardOf(row.playerId, SINGLE_PLAYER_SHARDS), row.playerId, row.gameId, row.outcome, ttlSeconds],
      upsert,
    );
  }

  async removeSingleGamePlayer(playerId: string): Promise<void> {
    await this.client.execute(cql.removeSingle, [this.game, shardOf(playerId, SINGLE_PLAYER_SHARDS), playerId], upsert);
  }

  /** Up to `limit` players with one game after `afterPlayerId` ('' for the start), by player id over every shard. */
  async singleGamePlayers(afterPlayerId: string, limit: number): Promise<SingleGameRow[]> {
    const pages = await Promise.all(
      singleShards.map((shard) =>
        this.client.execute(cql.singlesAfter, [this.game, shard, afterPlayerId, limit], { ...read, fetchSize: limit }),
      ),
    );
    return pages
      .flatMap((page) =>
        page.rows.map((row) => ({
          playerId: row.get('player_id') as string,
          gameId: row.get('game_id') as string,
          outcome: row.get('outcome') as Outcome,
        })),
      )
      .sort((a, b) => (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0))
      .slice(0, limit);
  }

  /** The profiles of `playerIds` that exist, by player id (read in slices, one statement each). */
  async readProfiles(playerIds: readonly string[]): Promise<Map<string, PlayerFields>> {
    const profiles = new Map<string, PlayerFields>();
    for (const result of await this.inSlices(cql.readProfiles, playerIds)) {
      for (const row of result.rows) {
        const playerId = row.get('player_id') as string;
        profiles.set(playerId, {
          playerId,
          nationality: (row.get('nationality') as string | null) ?? '',
          name: (row.get('name') as string | null) ?? '',
          email: (row.get('email') as string | null) ?? '',
          gender: (row.get('gender') as string | null) ?? '',
        });
      }
    }
    return profiles;
  }

  /** How many games each of `playerIds` has, counting no further than 2. */
  async gamesHeldUpToTwo(playerIds: readonly string[]): Promise<Map<string, number>> {
    const held = new Map<string, number>();
    for (const result of await this.inSlices(cql.gamesHeld, playerIds)) {
      for (const row of result.rows) {
        const playerId = row.get('player_id') as string;
        held.set(playerId, (held.get(playerId) ?? 0) + 1);
      }
    }
    return held;
  }

  async writeProfile(player: PlayerFields, ttlSeconds: number): Promise<void> {
    await this.client.execute(
      cql.writeProfile,
      [this.game, player.playerId, player.nationality, player.name, player.email, player.gender, ttlSeconds],
      upsert,
    );
  }

  /** Every profile's nationality (a full scan of every game's, keeping this game's: for the audit only). */
  async *allNationalities(): AsyncGenerator<{ playerId: string; nationality: string }> {
    for await (const row of this.rows(cql.allProfiles, [], 5000)) {
      if (row.get('game') !== this.game) continue;
      yield { playerId: row.get('player_id') as string, nationality: (row.get('nationality') as string | null) ?? '' };
    }
  }

  /** Stores other content under a claimed game id (the same game with a player renamed), for as long as it lives. */
  async rewriteClaim(gameId: string, content: string, ttlSeconds: number): Promise<void> {
    await this.client.execute(cql.rewriteClaim, [ttlSeconds, content, this.game, claimBucketOf(gameId), gameId], read);
  }

  async deletePlayerGame(playerId: string, gameId: string): Promise<void> {
    await this.client.execute(cql.deletePlayerGame, [this.game, playerId, gameId], upsert);
  }

  /** The anonymous id of a player whose erasure began and did not finish. */
  async erasureUnderWay(playerId: string): Promise<string | undefined> {
    const row = (await this.client.execute(cql.readErasure, [this.game, playerId], read)).first();
    return (row?.get('erased_as') as string | null | undefined) ?? undefined;
  }

  /** Empties a player's profile but for the anonymous id their games move to (see schema 004). */
  async markErased(playerId: string, anonymousId: string, ttlSeconds: number): Promise<void> {
    await this.client.execute(cql.markErased, [ttlSeconds, anonymousId, this.game, playerId], upsert);
  }

  async deleteProfile(playerId: string): Promise<void> {
    await this.client.execute(cql.deleteProfile, [this.game, playerId], upsert);
  }

  /** Records an import part before it claims its candidates, so that recovery can finish it if its writer dies. */
  async openPart(day: number, partId: string, startedAt: Micros, candidates: string[], ttlSeconds: number): Promise<void> {
    await this.indexDay(day);
    await this.client.execute(cql.indexOpenPart, [day, this.game, partId, toCqlMillis(startedAt), OPEN_INDEX_TTL_SECONDS], upsert);
    await this.client.execute(cql.openPart, [this.game, day, partId, toCqlMillis(startedAt), candidates, ttlSeconds], upsert);
  }

  /** Stores what a part counts; from now on queries add it. */
  async finishPart(day: number, partId: string, startedAt: Micros, totals: Totals, ttlSeconds: number): Promise<void> {
    await this.indexDay(day);
    await this.client.execute(cql.finishPart, [this.game, day, partId, toCqlMillis(startedAt), JSON.stringify(totals), ttlSeconds], upsert);
    await this.client.execute(cql.unindexOpenPart, [day, this.game, partId], upsert);
  }

  async openParts(day: number): Promise<Array<{ partId: string; startedAt: Micros }>> {
    const result = await this.client.execute(cql.openParts, [day, this.game], read);
    return result.rows.map((row) => ({
      partId: row.get('part_id') as string,
      startedAt: fromCqlMillis(row.get('started_ms') as cassandra.types.Long),
    }));
  }

  async readPart(day: number, partId: string): Promise<AggregatePart | undefined> {
    const row = (await this.client.execute(cql.readPart, [this.game, day, partId], read)).first();
    if (!row) return undefined;
    const totals = row.get('totals') as string | null;
    return {
      state: row.get('state') as AggregatePart['state'],
      startedAt: fromCqlMillis(row.get('started_ms') as cassandra.types.Long),
      candidates: (row.get('candidates') as string[] | null) ?? [],
      totals: totals ? (JSON.parse(totals) as Totals) : undefined,
    };
  }

  async partDays(): Promise<number[]> {
    const result = await this.client.execute(cql.days, [this.game, ALL_DAYS], read);
    return result.rows.map((row) => row.get('day') as number);
  }

  /** The totals of every finished part of a day. */
  async finishedTotals(day: number): Promise<Totals[]> {
    const totals: Totals[] = [];
    for await (const row of this.rows(cql.partsOfDay, [this.game, day], 5000)) {
      const stored = row.get('totals') as string | null;
      if (row.get('state') === 'final' && stored) totals.push(JSON.parse(stored) as Totals);
    }
    return totals;
  }

  /** One `… IN ?` statement per slice of keys, all at once. */
  private inSlices(query: string, keys: readonly string[]): Promise<cassandra.types.ResultSet[]> {
    const slices: string[][] = [];
    for (let start = 0; start < keys.length; start += IN_SLICE) slices.push(keys.slice(start, start + IN_SLICE));
    return Promise.all(
      slices.map((slice) => this.client.execute(query, [this.game, slice], { prepare: true, fetchSize: slice.length * 2 + 1 })),
    );
  }

  /** Every row of a query, page by page. */
  private async *rows(query: string, params: unknown[], fetchSize: number): AsyncGenerator<cassandra.types.Row> {
    let pageState: string | undefined;
    do {
      const result = await this.client.execute(query, params, { prepare: true, fetchSize, ...(pageState ? { pageState } : {}) });
      yield* result.rows;
      pageState = result.pageState ?? undefined;
    } while (pageState);
  }

  private async indexDay(day: number): Promise<void> {
    await this.client.execute(cql.indexDay, [this.game, ALL_DAYS, day, DAY_INDEX_TTL_SECONDS], upsert);
  }
}

function playerGameOf(row: { get(name: string): unknown }): PlayerGame {
  return {
    gameId: row.get('game_id') as string,
    opponentId: row.get('opponent_id') as string,
    outcome: row.get('outcome') as Outcome,
    importedAt: fromCqlMillis(row.get('imported_ms') as cassandra.types.Long),
  };
}

function claimOf(row: { get(name: string): unknown }): GameClaim {
  return {
    content: row.get('content') as string,
    partId: row.get('part_id') as string,
    day: row.get('day') as number,
    importedAt: fromCqlMillis(row.get('imported_ms') as cassandra.types.Long),
  };
}
