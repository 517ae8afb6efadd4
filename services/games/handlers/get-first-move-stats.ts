import type { UnaryHandler } from '../../shared/handler.js';
import type { GetFirstMoveStatsRequest, GetFirstMoveStatsResponse } from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import type { Aggregates } from '../aggregates.js';
import { firstMoveAnswer } from '../totals.js';

/** Win rate and percentile rank of each first-move column, from the aggregates kept at import. */
export class GetFirstMoveStatsHandler implements UnaryHandler<GetFirstMoveStatsRequest, GetFirstMoveStatsResponse> {
  constructor(private readonly aggregates: Aggregates) {}

  async handle(): Promise<GetFirstMoveStatsResponse> {
    return firstMoveAnswer(await this.aggregates.totals());
  }
}
