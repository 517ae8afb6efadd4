import { CLOSED_HOUR_CACHE_MS, type ResponseCache } from '../../shared/cache.js';
import { ValidationError } from '../../shared/errors.js';
import { timestampProblem } from '../../shared/event-rules.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { after, fromTimestamp, HOUR, hourOf, toTimestamp, type Clock, type Micros } from '../../shared/time.js';
import type { GetHourlyEngagementRequest, GetHourlyEngagementResponse } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import type { HourEngagement, ReactionStore } from '../store.js';

export const hourEngagementKey = (game: string, hour: Micros) => `reaction:v3:engagement:${game}:${hour}`;
/**
 * The open hour: short enough that an accepted event shows within a second, counting the computation's time and
 * the gateway's 200 ms answer cache of the original GET route.
 */
const OPEN_HOUR_TTL_MS = 700;

/**
 * Unique users, clicks and impressions of the call's game in the UTC hour holding a timestamp, exact over every
 * replica's writes.
 */
export class GetHourlyEngagementHandler implements UnaryHandler<GetHourlyEngagementRequest, GetHourlyEngagementResponse> {
  constructor(
    private readonly store: ReactionStore,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  async handle(request: GetHourlyEngagementRequest, context: CallContext): Promise<GetHourlyEngagementResponse> {
    if (!request.timestamp) throw new ValidationError('timestamp', 'is required');
    const invalid = timestampProblem(request.timestamp);
    if (invalid) throw new ValidationError('timestamp', invalid);
    const hour = hourOf(fromTimestamp(request.timestamp));
    const closed = after(hour, HOUR) <= this.clock();
    const game = gameOf(context);
    const counts = await this.cache.getOrCompute<HourEngagement>(
      hourEngagementKey(game, hour),
      closed ? CLOSED_HOUR_CACHE_MS : OPEN_HOUR_TTL_MS,
      () => this.store.countEngagement(game, hour),
    );
    return { hourStart: toTimestamp(hour), ...counts };
  }
}
