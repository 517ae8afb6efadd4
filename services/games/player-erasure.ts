import { randomUUID } from 'node:crypto';
import type { ErasePlayerResponse } from '../../gen/ts-proto/gamepulse/games/v1/games.js';
import { mapConcurrently } from '../shared/batch.js';
import type { GenerationRenewal } from '../shared/cache.js';
import { erased } from '../shared/erasure.js';
import { RETENTION, ttlSecondsFor } from '../shared/retention.js';
import { wholeSeconds, type Clock } from '../shared/time.js';
import { decodeContent, encodeContent } from './game-content.js';
import type { ProfileImporter } from './profile-import.js';
import { SINGLE_GAME_LIST } from './single-game-list.js';
import type { GamesStore, Outcome, PlayerGame } from './store.js';

const GAMES_AT_ONCE = 16;
const MARK_TTL_SECONDS = wholeSeconds(RETENTION);
const opposite: Record<Outcome, Outcome> = { win: 'lose', lose: 'win', draw: 'draw' };

/**
 * Erases a Connect-4 player of one game: their profile goes, and their games stay (they are their opponents' games
 * too, and every answer counts them) under a fresh anonymous id, in the stored moves, in both players' game lists
 * and in the single-game list. Their games count as of unknown nationality from then on, written as an aggregate
 * part as a profile change is, so every answer stays the sum of what is stored.
 */
export class PlayerErasure {
  constructor(
    private readonly store: GamesStore,
    private readonly profiles: Pick<ProfileImporter, 'forgetNationality'>,
    private readonly cache: GenerationRenewal,
    private readonly clock: Clock,
  ) {}

  async erase(playerId: string): Promise<ErasePlayerResponse> {
    const underWay = await this.store.erasureUnderWay(playerId);
    const hadProfile = (await this.store.readProfiles([playerId])).has(playerId);
    const games: PlayerGame[] = [];
    for await (const game of this.store.everyPlayerGame(playerId)) games.push(game);
    if (!hadProfile && games.length === 0) return { erased: report(0, 0, 0, 0), anonymousId: '' };

    // The anonymous id is written down before any game moves, so a retry after a failure moves the rest to it too.
    const anonymousId = underWay ?? `erased-${randomUUID()}`;
    if (!underWay) {
      await this.profiles.forgetNationality(playerId);
      await this.store.markErased(playerId, anonymousId, MARK_TTL_SECONDS);
    }
    const now = this.clock();
    const renamed = (id: string) => (id === playerId ? anonymousId : id);
    let listRows = 0;
    await mapConcurrently(games, GAMES_AT_ONCE, async (game) => {
      const ttl = ttlSecondsFor(game.importedAt, now);
      const claim = await this.store.readClaim(game.gameId);
      if (claim) {
        const moves = decodeContent(game.gameId, claim.content);
        const content = encodeContent({ ...moves, firstPlayer: renamed(moves.firstPlayer), secondPlayer: renamed(moves.secondPlayer) });
        await this.store.rewriteClaim(game.gameId, content, ttl);
      }
      const opponentId = renamed(game.opponentId);
      await this.store.writePlayerGame(anonymousId, { ...game, opponentId }, ttl);
      listRows++;
      if (opponentId !== anonymousId) {
        await this.store.writePlayerGame(opponentId, { ...game, opponentId: anonymousId, outcome: opposite[game.outcome] }, ttl);
        listRows++;
      }
      // Last: until it goes, a retry finds this game again.
      await this.store.deletePlayerGame(playerId, game.gameId);
    });

    await this.store.removeSingleGamePlayer(playerId);
    const held = await this.store.playerGames(anonymousId, 2);
    if (held.length === 1) {
      const [only] = held;
      const row = { playerId: anonymousId, gameId: only.gameId, outcome: only.outcome };
      await this.store.addSingleGamePlayer(row, ttlSecondsFor(only.importedAt, now));
    } else if (held.length > 1) {
      // A retry may have moved a second game to an id listed with one.
      await this.store.removeSingleGamePlayer(anonymousId);
    }
    await this.store.deleteProfile(playerId);
    // Awaited: the erasure is answered only once every replica reads the list anew.
    await this.cache.renewGeneration(SINGLE_GAME_LIST);
    const erased = report(hadProfile ? 1 : 0, games.length, listRows, held.length === 1 ? 1 : 0);
    // A player with a profile and no game keeps nothing under the anonymous id.
    return { erased, anonymousId: held.length > 0 ? anonymousId : '' };
  }
}

function report(profiles: number, games: number, listRows: number, singleRows: number) {
  return [
    erased('connect4', 'game_players_by_id', profiles),
    erased('connect4', 'game_games_by_bucket', 0, games),
    erased('connect4', 'game_games_by_player', 0, listRows),
    erased('connect4', 'game_single_game_players', 0, singleRows),
  ];
}
