import type { PerGame } from '../../shared/access/game.js';
import { playerToErase } from '../../shared/erasure.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import type { ErasePlayerRequest, ErasePlayerResponse } from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import type { PlayerErasure } from '../player-erasure.js';

/** Erases a Connect-4 player of the call's game (see PlayerErasure). */
export class ErasePlayerHandler implements UnaryHandler<ErasePlayerRequest, ErasePlayerResponse> {
  constructor(private readonly erasures: PerGame<Pick<PlayerErasure, 'erase'>>) {}

  handle(request: ErasePlayerRequest, context: CallContext): Promise<ErasePlayerResponse> {
    return this.erasures(gameOf(context)).erase(playerToErase(request.playerId));
  }
}
