import type { ResponseCache } from '../../shared/cache.js';
import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { ValidationError } from '../../shared/errors.js';
import { sizeOrDefault } from '../../shared/page-size.js';
import type { TokenSigner } from '../../shared/signed-token.js';
import {
  PlayerOutcome,
  type ListSingleGamePlayersRequest,
  type ListSingleGamePlayersResponse,
  type SingleGamePlayer,
} from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import { SINGLE_GAME_LIST } from '../single-game-list.js';
import type { GamesStore, Outcome, SingleGameRow } from '../store.js';

export const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;
/** Rows one call reads at most while filtering by outcome; past that it answers what it has and a token. */
const MAX_ROWS_SCANNED = 20_000;
const SCAN_BATCH = 500;
/**
 * A page is cached under the list's generation, which every change of the list or of a listed profile renews, so
 * the page is read again only after a change. The lifetime bounds how stale a page can be if a renewal is lost.
 */
const PAGE_TTL_MS = 30_000;

const outcomes: Record<Outcome, PlayerOutcome> = {
  win: PlayerOutcome.PLAYER_OUTCOME_WON,
  lose: PlayerOutcome.PLAYER_OUTCOME_LOST,
  draw: PlayerOutcome.PLAYER_OUTCOME_DRAW,
};

interface PageCursor {
  /** The last player id listed. */
  after: string;
  /** The outcome filter the token was issued for. */
  outcome: number;
}

/** Players with exactly one game, by player id, with their profile and how their game ended for them. */
export class ListSingleGamePlayersHandler implements UnaryHandler<ListSingleGamePlayersRequest, ListSingleGamePlayersResponse> {
  constructor(
    private readonly stores: PerGame<GamesStore>,
    private readonly tokens: PerGame<TokenSigner>,
    private readonly caches: PerGame<ResponseCache>,
  ) {}

  async handle(request: ListSingleGamePlayersRequest, context: CallContext): Promise<ListSingleGamePlayersResponse> {
    const game = gameOf(context);
    const store = this.stores(game);
    const cache = this.caches(game);
    const tokens = this.tokens(game);
    const pageSize = sizeOrDefault('page_size', request.pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    if (!Object.values(outcomes).includes(request.outcome) && request.outcome !== PlayerOutcome.PLAYER_OUTCOME_UNSPECIFIED) {
      throw new ValidationError('outcome', `must be WON, LOST or DRAW (or unset for all), got ${request.outcome}`);
    }
    const after = request.pageToken ? openToken(tokens, request.pageToken, request.outcome) : '';
    const generation = await cache.generation(SINGLE_GAME_LIST);
    if (generation === undefined) return this.page(store, tokens, after, pageSize, request.outcome);
    return cache.getOrCompute(`${SINGLE_GAME_LIST}:${generation}:${pageSize}:${request.outcome}:${after}`, PAGE_TTL_MS, () =>
      this.page(store, tokens, after, pageSize, request.outcome),
    );
  }

  /** One page read from Cassandra: costly where the list has many removed players (tombstones it skips), hence the cache. */
  private async page(
    store: GamesStore,
    tokens: TokenSigner,
    from: string,
    pageSize: number,
    outcome: PlayerOutcome,
  ): Promise<ListSingleGamePlayersResponse> {
    let after = from;
    const page: SingleGameRow[] = [];
    let scanned = 0;
    let exhausted = false;
    while (page.length < pageSize && !exhausted && scanned < MAX_ROWS_SCANNED) {
      const want = outcome ? SCAN_BATCH : pageSize + 1 - page.length;
      const rows = await store.singleGamePlayers(after, want);
      scanned += rows.length;
      exhausted = rows.length < want;
      for (const row of rows) {
        after = row.playerId;
        if (!outcome || outcomes[row.outcome] === outcome) page.push(row);
        if (page.length === pageSize + 1) break;
      }
    }
    const more = page.length > pageSize || (!exhausted && page.length <= pageSize && scanned >= MAX_ROWS_SCANNED);
    const listed = page.slice(0, pageSize);
    const last = page.length > pageSize ? listed[listed.length - 1].playerId : after;
    const profiles = await store.readProfiles(listed.map((row) => row.playerId));
    const players = listed.map((row): SingleGamePlayer => ({
      player: profiles.get(row.playerId) ?? { playerId: row.playerId, nationality: '', name: '', email: '', gender: '' },
      gameId: row.gameId,
      outcome: outcomes[row.outcome],
    }));
    return { players, nextPageToken: more ? tokens.sign({ after: last, outcome } satisfies PageCursor) : '' };
  }
}

/** Where a page token of this list says to go on from, or INVALID_ARGUMENT. */
function openToken(tokens: TokenSigner, token: string, outcome: number): string {
  const cursor = tokens.open(token) as PageCursor | undefined;
  if (!cursor || typeof cursor.after !== 'string' || cursor.outcome !== outcome) {
    throw new ValidationError('page_token', 'is not a token this list issued for the same outcome filter');
  }
  return cursor.after;
}
