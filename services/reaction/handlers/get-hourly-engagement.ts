import type { ResponseCache } from '../../shared/cache.js';
import { ValidationError } from '../../shared/errors.js';
import { timestampProblem } from '../../shared/event-rules.js';
import type { UnaryHandler } from '../../shared/handler.js';
import { HOUR_MS, hourOf, millisToTimestamp, timestampToMicros, type Clock } from '../../shared/time.js';
import type { GetHourlyEngagementRequest, GetHourlyEngagementResponse } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import type { HourEngagement, ReactionStore } from '../store.js';

export const hourEngagementKey = (hourMs: number) => `reaction:v1:engagement:${hourMs}`;
/** A closed hour changes only when a late event lands in it, which drops the entry. */
const CLOSED_HOUR_TTL_MS = 24 * HOUR_MS;
/**
 * The open hour: short enough that an accepted event shows within a second, counting the computation's time and
 * the gateway's 200 ms answer cache of the original GET route.
 */
const OPEN_HOUR_TTL_MS = 700;

/** Unique users, clicks and impressions of the UTC hour holding a timestamp, exact over every replica's writes. */
export class GetHourlyEngagementHandler implements UnaryHandler<GetHourlyEngagementRequest, GetHourlyEngagementResponse> {
  constructor(
    private readonly store: ReactionStore,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  async handle(request: GetHourlyEngagementRequest): Promise<GetHourlyEngagementResponse> {
    if (!request.timestamp) throw new ValidationError('timestamp', 'is required');
    const invalid = timestampProblem(request.timestamp);
    if (invalid) throw new ValidationError('timestamp', invalid);
    const hourMs = hourOf(Math.floor(timestampToMicros(request.timestamp) / 1000));
    const closed = hourMs + HOUR_MS <= this.clock();
    const counts = await this.cache.getOrCompute<HourEngagement>(
      hourEngagementKey(hourMs),
      closed ? CLOSED_HOUR_TTL_MS : OPEN_HOUR_TTL_MS,
      () => this.store.countEngagement(hourMs),
    );
    return { hourStart: millisToTimestamp(hourMs), ...counts };
  }
}
