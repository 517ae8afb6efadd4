import type { AwaitedInvalidation } from '../../shared/cache.js';
import { erased, playerToErase } from '../../shared/erasure.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { retainedHours } from '../../shared/retention.js';
import type { Clock } from '../../shared/time.js';
import type { ErasePlayerRequest, ErasePlayerResponse } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import type { ReactionStore } from '../store.js';
import { hourEngagementKey } from './get-hourly-engagement.js';

/**
 * Removes a user of the call's game from the engagement tables, then drops the cached counts of the hours they were
 * counted in before answering. Reactions are stored without their user: there is nothing of theirs to find there.
 */
export class ErasePlayerHandler implements UnaryHandler<ErasePlayerRequest, ErasePlayerResponse> {
  constructor(
    private readonly store: Pick<ReactionStore, 'eraseEngagements'>,
    private readonly cache: Pick<AwaitedInvalidation, 'invalidated'>,
    private readonly clock: Clock,
  ) {}

  async handle(request: ErasePlayerRequest, context: CallContext): Promise<ErasePlayerResponse> {
    const username = playerToErase(request.playerId);
    const game = gameOf(context);
    const engagement = await this.store.eraseEngagements(game, username, retainedHours(this.clock()));
    await this.cache.invalidated(engagement.hours.map((hour) => hourEngagementKey(game, hour)));
    return {
      erased: [
        erased('engagement', 'game_engagements_by_hour', engagement.events),
        erased('engagement', 'game_engaged_users_by_hour', engagement.hours.length),
      ],
    };
  }
}
