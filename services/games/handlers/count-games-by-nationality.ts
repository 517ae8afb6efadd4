import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import type { CountGamesByNationalityRequest, CountGamesByNationalityResponse } from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import type { Aggregates } from '../aggregates.js';
import { nationalityAnswer } from '../totals.js';

/** Games and appearances per nationality, from the aggregates kept at import. */
export class CountGamesByNationalityHandler implements UnaryHandler<CountGamesByNationalityRequest, CountGamesByNationalityResponse> {
  constructor(private readonly aggregates: PerGame<Aggregates>) {}

  async handle(_request: unknown, context: CallContext): Promise<CountGamesByNationalityResponse> {
    return { nationalities: nationalityAnswer(await this.aggregates(gameOf(context)).totals()) };
  }
}
