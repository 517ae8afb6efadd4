import { playerToErase } from '../../shared/erasure.js';
import type { CallContext, UnaryHandler } from '../../shared/handler.js';
import type { DeletePlayerDataRequest, DeletePlayerDataResponse } from '../../../gen/ts-proto/gamepulse/access/v1/access.js';
import { gameToManage } from '../key-rules.js';
import type { PlayerDataOwners } from '../player-data-owners.js';

/** Erases a player of a game from every service that holds their data, and says what each table lost. */
export class DeletePlayerDataHandler implements UnaryHandler<DeletePlayerDataRequest, DeletePlayerDataResponse> {
  constructor(private readonly owners: Pick<PlayerDataOwners, 'erase'>) {}

  async handle(request: DeletePlayerDataRequest, context: CallContext): Promise<DeletePlayerDataResponse> {
    const game = gameToManage(request.game, context.caller);
    return this.owners.erase(game, playerToErase(request.playerId), context);
  }
}
