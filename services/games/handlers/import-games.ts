import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { ValidationError } from '../../shared/errors.js';
import {
  GameResult,
  type Game,
  type ImportGamesRequest,
  type ImportGamesResponse,
  type ImportResult,
} from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import type { GameImporter } from '../game-import.js';
import { encodeContent, type StoredGame } from '../game-content.js';
import { isGameProblem, validateGame, type Board } from '../game-rules.js';

/** Most games one ImportGames call takes. */
export const MAX_GAMES_PER_CALL = 1000;

const stored = (id: string): ImportResult => ({ id, stored: true, duplicate: false, reason: '', moveNumber: 0 });
const duplicate = (id: string): ImportResult => ({ id, stored: false, duplicate: true, reason: '', moveNumber: 0 });
const rejected = (id: string, reason: string, moveNumber = 0): ImportResult => ({
  id,
  stored: false,
  duplicate: false,
  reason,
  moveNumber,
});
const CONFLICT = 'game_id: already stored with other moves or another result (a conflicting game); nothing was changed';

/** Validates each game whole, then stores the valid ones once each; one result per game, in request order. */
export class ImportGamesHandler implements UnaryHandler<ImportGamesRequest, ImportGamesResponse> {
  constructor(
    private readonly importers: PerGame<GameImporter>,
    private readonly board: Board,
  ) {}

  async handle(request: ImportGamesRequest, context: CallContext): Promise<ImportGamesResponse> {
    const { signal } = context;
    if (request.games.length < 1 || request.games.length > MAX_GAMES_PER_CALL) {
      throw new ValidationError('games', `must hold 1 to ${MAX_GAMES_PER_CALL} games, got ${request.games.length}`);
    }
    const results = new Array<ImportResult>(request.games.length);
    const toStore: Array<{ index: number; game: StoredGame }> = [];
    const firstOfId = new Map<string, StoredGame>();
    request.games.forEach((game, index) => {
      const checked = this.check(game);
      if (isGameProblem(checked)) return void (results[index] = rejected(game.gameId, checked.rule, checked.moveNumber));
      const earlier = firstOfId.get(checked.gameId);
      if (earlier)
        return void (results[index] =
          encodeContent(earlier) === encodeContent(checked) ? duplicate(game.gameId) : rejected(game.gameId, CONFLICT));
      firstOfId.set(checked.gameId, checked);
      toStore.push({ index, game: checked });
    });
    if (toStore.length > 0) {
      const outcomes = await this.importers(gameOf(context)).importGames(
        toStore.map(({ game }) => game),
        signal,
      );
      toStore.forEach(({ index, game }, position) => {
        const { kind } = outcomes[position];
        results[index] =
          kind === 'stored' ? stored(game.gameId) : kind === 'duplicate' ? duplicate(game.gameId) : rejected(game.gameId, CONFLICT);
      });
    }
    return { results };
  }

  private check(game: Game) {
    if (game.finishedAt) return { rule: "finished_at: must be unset; a game's time is its import time", moveNumber: 0 };
    const result = game.result === GameResult.GAME_RESULT_WIN ? 'win' : game.result === GameResult.GAME_RESULT_DRAW ? 'draw' : undefined;
    return validateGame({ gameId: game.gameId, moves: game.moves, result }, this.board);
  }
}
