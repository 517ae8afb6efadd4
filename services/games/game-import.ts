import { randomUUID } from 'node:crypto';
import { mapConcurrently } from '../shared/batch.js';
import type { ResponseCache } from '../shared/cache.js';
import type { Logger } from '../shared/logger.js';
import { ttlSecondsFor } from '../shared/retention.js';
import { StorageTooSlowError } from '../shared/storage-errors.js';
import { after, daysSinceEpoch, elapsed, seconds, toMillis, type Clock, type Micros } from '../shared/time.js';
import { dayTotalsKey } from './aggregates.js';
import { decodeContent, encodeContent, type StoredGame } from './game-content.js';
import { SINGLE_GAME_LIST } from './single-game-list.js';
import type { GamesStore } from './store.js';
import { countGame, emptyTotals, UNKNOWN_NATIONALITY } from './totals.js';

/** What became of one valid game of an import call. */
export type ClaimOutcome = { kind: 'stored' } | { kind: 'duplicate' } | { kind: 'conflict' };

/** An import call's writer gives up (and leaves its part to recovery) this long after it opened the part. */
export const WRITER_LIMIT = seconds(20);
/** An open part this old has no writer left (every claim of it has landed or failed): recovery may finish it. */
export const RECOVER_AFTER = seconds(30);
const STATEMENTS_IN_FLIGHT = 64;

/**
 * Stores games and counts them exactly once, whatever replicas import at once and whoever dies mid-way:
 * 1. an "open" aggregate part lists the call's candidate game ids;
 * 2. each game id is claimed for that part by a lightweight transaction, a bucket's games in one conditional batch
 *    (the same moves again: duplicate; other moves: conflict);
 * 3. the claimed games' player rows and the single-game list are written, and the part is finished with the totals
 *    of the games it claimed. Steps 3 only depend on the claims, so recovery (or a retried upload) finishes a part
 *    whose writer died, from its candidates' claims, with the same result.
 */
export class GameImporter {
  constructor(
    private readonly store: GamesStore,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Stores `games` (valid ones, distinct ids) and says what became of each, in order. */
  async importGames(games: readonly StoredGame[], signal?: AbortSignal): Promise<ClaimOutcome[]> {
    const startedAt = this.clock();
    const day = daysSinceEpoch(startedAt);
    const partId = `import-${randomUUID()}`;
    const ttl = ttlSecondsFor(startedAt, startedAt);
    await this.store.openPart(
      day,
      partId,
      startedAt,
      games.map((game) => game.gameId),
      ttl,
    );
    if (signal?.aborted) throw new StorageTooSlowError('the caller went away; retry');
    const contents = games.map(encodeContent);
    const taken = await this.store.claimGames(
      games.map((game, index) => ({ gameId: game.gameId, claim: { content: contents[index], partId, day, importedAt: startedAt } })),
      ttl,
    );
    const holders = new Map<string, { day: number; partId: string }>();
    const outcomes = games.map((game, index): ClaimOutcome => {
      const holder = taken.get(game.gameId);
      if (!holder) return { kind: 'stored' };
      if (holder.content !== contents[index]) return { kind: 'conflict' };
      holders.set(`${holder.day}/${holder.partId}`, { day: holder.day, partId: holder.partId });
      return { kind: 'duplicate' };
    });
    if (elapsed(startedAt, this.clock()) > WRITER_LIMIT) throw new StorageTooSlowError('import took too long; retry');
    await this.finishPart(
      day,
      partId,
      startedAt,
      games.filter((_, index) => outcomes[index].kind === 'stored'),
    );
    // A duplicate may be held by a part whose writer died: finish it now, so that this answer's games all count.
    for (const holder of holders.values()) await this.settlePart(holder.day, holder.partId, signal);
    return outcomes;
  }

  /** Finishes every open part of today and yesterday that has no writer left; returns how many it finished. */
  async recoverAbandonedParts(): Promise<number> {
    const today = daysSinceEpoch(this.clock());
    let finished = 0;
    for (const day of [today - 1, today]) {
      for (const part of await this.store.openParts(day)) {
        if (elapsed(part.startedAt, this.clock()) < RECOVER_AFTER) continue;
        await this.recoverPart(day, part.partId);
        finished++;
      }
    }
    return finished;
  }

  /** Waits until an open part can be recovered (or is finished by its writer), then makes sure it is finished. */
  private async settlePart(day: number, partId: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const part = await this.store.readPart(day, partId);
      if (!part || part.state === 'final') return;
      const wait = toMillis(elapsed(this.clock(), after(part.startedAt, RECOVER_AFTER)));
      if (wait <= 0) return this.recoverPart(day, partId);
      if (signal?.aborted) throw new StorageTooSlowError('an earlier import of these games is still being finished; retry');
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 1000)));
    }
  }

  /** Finishes an open part from the claims of its candidates: the games claimed for it are the games it counts. */
  async recoverPart(day: number, partId: string): Promise<void> {
    const part = await this.store.readPart(day, partId);
    if (!part || part.state === 'final') return;
    const claims = await mapConcurrently(part.candidates, STATEMENTS_IN_FLIGHT, (gameId) => this.store.readClaim(gameId));
    const claimed = part.candidates.flatMap((gameId, index) => {
      const claim = claims[index];
      return claim?.partId === partId ? [decodeContent(gameId, claim.content)] : [];
    });
    await this.finishPart(day, partId, part.startedAt, claimed);
    this.logger.info({ day, partId, games: claimed.length }, 'finished an import part whose writer had stopped');
  }

  private async finishPart(day: number, partId: string, startedAt: Micros, games: readonly StoredGame[]): Promise<void> {
    const ttl = ttlSecondsFor(startedAt, this.clock());
    await mapConcurrently(games, STATEMENTS_IN_FLIGHT / 2, (game) =>
      Promise.all([
        this.store.writePlayerGame(
          game.firstPlayer,
          { gameId: game.gameId, opponentId: game.secondPlayer, outcome: outcomeFor(game, game.firstPlayer), importedAt: startedAt },
          ttl,
        ),
        this.store.writePlayerGame(
          game.secondPlayer,
          { gameId: game.gameId, opponentId: game.firstPlayer, outcome: outcomeFor(game, game.secondPlayer), importedAt: startedAt },
          ttl,
        ),
      ]),
    );
    const players = [...new Set(games.flatMap((game) => [game.firstPlayer, game.secondPlayer]))];
    const gameOf = new Map(games.flatMap((game) => [[game.firstPlayer, game] as const, [game.secondPlayer, game] as const]));
    const [profiles, held] = await Promise.all([this.store.readProfiles(players), this.store.gamesHeldUpToTwo(players)]);
    await mapConcurrently(players, STATEMENTS_IN_FLIGHT, async (playerId) => {
      if ((held.get(playerId) ?? 0) >= 2) return this.store.removeSingleGamePlayer(playerId);
      const game = gameOf.get(playerId)!;
      return this.store.addSingleGamePlayer({ playerId, gameId: game.gameId, outcome: outcomeFor(game, playerId) }, ttl);
    });
    const nationalityOf = (playerId: string) => profiles.get(playerId)?.nationality || UNKNOWN_NATIONALITY;
    const totals = emptyTotals();
    for (const game of games) countGame(totals, { ...game, firstColumn: game.columns[0] }, nationalityOf);
    await this.store.finishPart(day, partId, startedAt, totals, ttl);
    this.cache.invalidate([dayTotalsKey(day)]);
    // Awaited: the import is answered only once every replica reads the list anew.
    await this.cache.renewGeneration(SINGLE_GAME_LIST);
  }
}

function outcomeFor(game: StoredGame, playerId: string): 'win' | 'lose' | 'draw' {
  if (game.result === 'draw') return 'draw';
  return game.winner === playerId ? 'win' : 'lose';
}
