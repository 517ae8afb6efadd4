import { randomUUID } from 'node:crypto';
import type { ResponseCache } from '../shared/cache.js';
import { RETENTION } from '../shared/retention.js';
import { daysSinceEpoch, elapsed, wholeSeconds, type Clock } from '../shared/time.js';
import { dayTotalsKey } from './aggregates.js';
import { decodeContent } from './game-content.js';
import { RECOVER_AFTER, type GameImporter } from './game-import.js';
import { SINGLE_GAME_LIST } from './single-game-list.js';
import type { GamesStore, Outcome } from './store.js';
import { addTotals, countGame, differences, emptyTotals, scaledTotals, UNKNOWN_NATIONALITY, type Totals } from './totals.js';

export interface AuditReport {
  games: number;
  profiles: number;
  /** Open parts whose writer had stopped, finished before comparing. */
  recoveredParts: number;
  /** Kept aggregate entries that differ from the recomputation. */
  totals: string[];
  /** Players listed with one game who should not be, or missing from the list, or listed with another game. */
  singleGamePlayers: string[];
}

const SINGLE_PAGE = 1000;

/**
 * `npm run rebuild:connect4`: recomputes every aggregate from the stored games and profiles (full scans, offline)
 * and compares them with the kept ones; with `repair`, writes what makes the kept ones agree.
 */
export class GameAudit {
  constructor(
    private readonly store: GamesStore,
    private readonly importer: GameImporter,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  async run({ repair = false, onProgress }: { repair?: boolean; onProgress?: (line: string) => void } = {}): Promise<AuditReport> {
    const days = await this.store.partDays();
    let recoveredParts = 0;
    for (const day of days) {
      for (const part of await this.store.openParts(day)) {
        // A younger open part may still have its writer: it is left to finish (and the comparison may show it).
        if (elapsed(part.startedAt, this.clock()) < RECOVER_AFTER) continue;
        await this.importer.recoverPart(day, part.partId);
        recoveredParts++;
      }
    }
    const nationality = new Map<string, string>();
    for await (const profile of this.store.allNationalities())
      nationality.set(profile.playerId, profile.nationality || UNKNOWN_NATIONALITY);
    onProgress?.(`${nationality.size} profiles read`);

    const expected = emptyTotals();
    const gamesOf = new Map<string, { count: number; gameId: string; outcome: Outcome }>();
    let games = 0;
    for await (const claim of this.store.allClaims()) {
      const game = decodeContent(claim.gameId, claim.content);
      countGame(expected, { ...game, firstColumn: game.columns[0] }, (playerId) => nationality.get(playerId) ?? UNKNOWN_NATIONALITY);
      for (const playerId of [game.firstPlayer, game.secondPlayer]) {
        const outcome: Outcome = game.result === 'draw' ? 'draw' : game.winner === playerId ? 'win' : 'lose';
        const seen = gamesOf.get(playerId);
        gamesOf.set(playerId, { count: (seen?.count ?? 0) + 1, gameId: game.gameId, outcome });
      }
      if (++games % 100_000 === 0) onProgress?.(`${games} games read`);
    }
    onProgress?.(`${games} games read`);

    const kept = emptyTotals();
    for (const day of days) (await this.store.finishedTotals(day)).forEach((part) => addTotals(kept, part));
    const totals = differences(expected, kept);

    const singleGamePlayers: string[] = [];
    const listed = new Set<string>();
    const extra: string[] = [];
    for (let after = ''; ;) {
      const page = await this.store.singleGamePlayers(after, SINGLE_PAGE);
      for (const row of page) {
        listed.add(row.playerId);
        const truth = gamesOf.get(row.playerId);
        if (truth?.count !== 1) {
          singleGamePlayers.push(`${row.playerId}: listed with one game, has ${truth?.count ?? 0}`);
          extra.push(row.playerId);
        } else if (truth.gameId !== row.gameId || truth.outcome !== row.outcome) {
          singleGamePlayers.push(`${row.playerId}: listed with ${row.gameId} (${row.outcome}), played ${truth.gameId} (${truth.outcome})`);
        }
      }
      if (page.length < SINGLE_PAGE) break;
      after = page[page.length - 1].playerId;
    }
    const missing = [...gamesOf].filter(([playerId, truth]) => truth.count === 1 && !listed.has(playerId));
    for (const [playerId] of missing) singleGamePlayers.push(`${playerId}: has one game but is not listed`);

    if (repair && (totals.length > 0 || singleGamePlayers.length > 0)) {
      const now = this.clock();
      const day = daysSinceEpoch(now);
      const correction: Totals = addTotals(emptyTotals(), expected);
      addTotals(correction, scaledTotals(kept, -1));
      await this.store.finishPart(day, `repair-${randomUUID()}`, now, correction, wholeSeconds(RETENTION));
      for (const playerId of extra) await this.store.removeSingleGamePlayer(playerId);
      for (const [playerId, truth] of missing) {
        await this.store.addSingleGamePlayer({ playerId, gameId: truth.gameId, outcome: truth.outcome }, wholeSeconds(RETENTION));
      }
      this.cache.invalidate(days.concat(day).map(dayTotalsKey));
      await this.cache.renewGeneration(SINGLE_GAME_LIST);
    }
    return { games, profiles: nationality.size, recoveredParts, totals, singleGamePlayers };
  }
}
