import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import type { GetFirstMoveStatsRequest, GetFirstMoveStatsResponse } from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import type { Aggregates } from '../aggregates.js';
import { firstMoveAnswer } from '../totals.js';

/** Win rate and percentile rank of each first-move column, from the aggregates kept at import. */
export class GetFirstMoveStatsHandler implements UnaryHandler<GetFirstMoveStatsRequest, GetFirstMoveStatsResponse> {
  constructor(private readonly aggregates: PerGame<Aggregates>) {}

  async handle(_request: unknown, context: CallContext): Promise<GetFirstMoveStatsResponse> {
    return firstMoveAnswer(await this.aggregates(gameOf(context)).totals());
  }
}
