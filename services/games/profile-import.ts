import { createHash } from 'node:crypto';
import { mapConcurrently } from '../shared/batch.js';
import type { ResponseCache } from '../shared/cache.js';
import { RETENTION, ttlSecondsFor } from '../shared/retention.js';
import { daysSinceEpoch, latest, micros, wholeSeconds, type Clock, type Micros } from '../shared/time.js';
import { dayTotalsKey } from './aggregates.js';
import type { PlayerFields } from './player-formats.js';
import { SINGLE_GAME_LIST } from './single-game-list.js';
import type { GamesStore } from './store.js';
import { emptyTotals, moveGame, UNKNOWN_NATIONALITY, type Totals } from './totals.js';

const STATEMENTS_IN_FLIGHT = 64;
const PROFILE_TTL_SECONDS = wholeSeconds(RETENTION);

const nationalityOf = (profile: PlayerFields | undefined) => profile?.nationality || UNKNOWN_NATIONALITY;
const sameProfile = (a: PlayerFields, b: PlayerFields) =>
  a.nationality === b.nationality && a.name === b.name && a.email === b.email && a.gender === b.gender;

/**
 * Stores player profiles. A profile that changes a player's nationality (a first profile moves them from `unknown`)
 * moves their stored games between nationalities: that move is written as an aggregate part of its own before the
 * profiles, under an id derived from the change, so a retry after a crash writes the same part again rather than a
 * second one.
 */
export class ProfileImporter {
  constructor(
    private readonly store: GamesStore,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  /** Stores `players` (valid, distinct ids); true for each one stored, false for one already stored exactly so. */
  async importPlayers(players: readonly PlayerFields[]): Promise<boolean[]> {
    const stored = await this.store.readProfiles(players.map((player) => player.playerId));
    const before = players.map((player) => stored.get(player.playerId));
    const changed = players.filter((player, index) => !before[index] || !sameProfile(before[index], player));
    const moved = new Map<string, { from: string; to: string }>();
    players.forEach((player, index) => {
      const from = nationalityOf(before[index]);
      const to = nationalityOf(player);
      if (from !== to) moved.set(player.playerId, { from, to });
    });
    if (moved.size > 0) await this.moveGames(moved);
    await mapConcurrently(changed, STATEMENTS_IN_FLIGHT, (player) => this.store.writeProfile(player, PROFILE_TTL_SECONDS));
    if (changed.length > 0) await this.cache.renewGeneration(SINGLE_GAME_LIST);
    return players.map((player) => changed.includes(player));
  }

  /** From now on counts a player's games as of unknown nationality (their profile is being erased). */
  async forgetNationality(playerId: string): Promise<void> {
    const from = nationalityOf((await this.store.readProfiles([playerId])).get(playerId));
    if (from !== UNKNOWN_NATIONALITY) await this.moveGames(new Map([[playerId, { from, to: UNKNOWN_NATIONALITY }]]));
  }

  /**
   * Writes the parts that move the games of players whose nationality changes: one per day the games were imported
   * on, living as long as those games.
   */
  private async moveGames(moved: Map<string, { from: string; to: string }>): Promise<void> {
    const games = new Map<string, { players: [string, string]; importedAt: Micros }>();
    for (const playerId of moved.keys()) {
      for await (const game of this.store.everyPlayerGame(playerId)) {
        games.set(game.gameId, { players: [playerId, game.opponentId], importedAt: game.importedAt });
      }
    }
    if (games.size === 0) return;
    const opponents = [...new Set([...games.values()].flatMap((game) => game.players))].filter((playerId) => !moved.has(playerId));
    const profiles = await this.store.readProfiles(opponents);
    const current = new Map(opponents.map((playerId) => [playerId, nationalityOf(profiles.get(playerId))]));
    const nationalityBefore = (playerId: string) => moved.get(playerId)?.from ?? current.get(playerId)!;
    const nationalityAfter = (playerId: string) => moved.get(playerId)?.to ?? current.get(playerId)!;
    const byImportDay = new Map<number, { totals: Totals; gameIds: string[]; lastImport: Micros }>();
    for (const [gameId, { players, importedAt }] of games) {
      const group = byImportDay.get(daysSinceEpoch(importedAt)) ?? { totals: emptyTotals(), gameIds: [], lastImport: micros(0) };
      byImportDay.set(daysSinceEpoch(importedAt), group);
      moveGame(group.totals, players.map(nationalityBefore), players.map(nationalityAfter));
      group.gameIds.push(gameId);
      group.lastImport = latest(group.lastImport, importedAt);
    }
    const now = this.clock();
    const day = daysSinceEpoch(now);
    const change = JSON.stringify([...moved].sort());
    for (const [importDay, group] of byImportDay) {
      const id = createHash('sha256').update(change).update(JSON.stringify(group.gameIds.sort())).digest('base64url');
      await this.store.finishPart(day, `profiles-${importDay}-${id}`, now, group.totals, ttlSecondsFor(group.lastImport, now));
    }
    this.cache.invalidate([dayTotalsKey(day)]);
  }
}
