import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { ValidationError } from '../../shared/errors.js';
import { checkId } from '../../shared/event-rules.js';
import { normalizeCountry } from '../../shared/countries.js';
import { quoted } from '../../shared/quote.js';
import type { ImportPlayersRequest, ImportPlayersResponse, ImportResult, Player } from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import type { PlayerFields } from '../player-formats.js';
import type { ProfileImporter } from '../profile-import.js';

/** Most players one ImportPlayers call takes. */
export const MAX_PLAYERS_PER_CALL = 1000;
const MAX_NAME = 200;
const MAX_EMAIL = 254;
const MAX_GENDER = 32;

/** Validates each profile, then stores the new and changed ones; one result per player, in request order. */
export class ImportPlayersHandler implements UnaryHandler<ImportPlayersRequest, ImportPlayersResponse> {
  constructor(private readonly importers: PerGame<ProfileImporter>) {}

  async handle(request: ImportPlayersRequest, context: CallContext): Promise<ImportPlayersResponse> {
    if (request.players.length < 1 || request.players.length > MAX_PLAYERS_PER_CALL) {
      throw new ValidationError('players', `must hold 1 to ${MAX_PLAYERS_PER_CALL} players, got ${request.players.length}`);
    }
    const results = new Array<ImportResult>(request.players.length);
    // A player listed twice in one call is stored as listed last.
    const lastIndexOf = new Map<string, number>();
    const valid: Array<{ index: number; player: PlayerFields }> = [];
    request.players.forEach((player, index) => {
      const problem = playerProblem(player);
      if (problem) results[index] = { id: player.playerId, stored: false, duplicate: false, reason: problem, moveNumber: 0 };
      else lastIndexOf.set(player.playerId, index);
    });
    request.players.forEach((player, index) => {
      if (results[index]) return;
      if (lastIndexOf.get(player.playerId) !== index) {
        results[index] = { id: player.playerId, stored: false, duplicate: true, reason: '', moveNumber: 0 };
        return;
      }
      valid.push({ index, player: { ...player, nationality: normalizeCountry(player.nationality) ?? '' } });
    });
    if (valid.length > 0) {
      const storedNow = await this.importers(gameOf(context)).importPlayers(valid.map(({ player }) => player));
      valid.forEach(({ index, player }, position) => {
        results[index] = { id: player.playerId, stored: storedNow[position], duplicate: !storedNow[position], reason: '', moveNumber: 0 };
      });
    }
    return { results };
  }
}

function playerProblem(player: Player): string | undefined {
  const id = checkId('player_id', player.playerId);
  if (id) return `${id.field}: ${id.rule}`;
  if (player.nationality !== '' && !normalizeCountry(player.nationality)) {
    return `nationality: must be an ISO 3166-1 alpha-2 country code or empty, got ${quoted(player.nationality)}`;
  }
  if (player.name.length > MAX_NAME) return `name: must be at most ${MAX_NAME} characters`;
  if (player.email.length > MAX_EMAIL) return `email: must be at most ${MAX_EMAIL} characters`;
  if (player.email !== '' && !/^[^\s@]+@[^\s@]+$/.test(player.email))
    return `email: must be an address such as name@example.com, got ${quoted(player.email)}`;
  if (player.gender.length > MAX_GENDER) return `gender: must be at most ${MAX_GENDER} characters`;
  return undefined;
}
