import { accepted, checkBatchSize, duplicate, mapConcurrently, rejected } from '../../shared/batch.js';
import type { ResponseCache } from '../../shared/cache.js';
import { isRejection } from '../../shared/event-rules.js';
import { ttlSecondsFor } from '../../shared/retention.js';
import type { UnaryHandler } from '../../shared/rpc.js';
import { hourOf, isClosedOrClosing, type Clock } from '../../shared/time.js';
import type {
  RecordEngagementsRequest,
  RecordEngagementsResponse,
} from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import type { ReactionStore } from '../store.js';
import { validateEngagement } from '../validation.js';
import { hourEngagementKey } from './get-hourly-engagement.js';

/** Stores clicks and impressions; an event id already stored is a duplicate and counts once. */
export class RecordEngagementsHandler implements UnaryHandler<RecordEngagementsRequest, RecordEngagementsResponse> {
  constructor(
    private readonly store: ReactionStore,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  async handle(request: RecordEngagementsRequest): Promise<RecordEngagementsResponse> {
    checkBatchSize(request.events.length);
    const now = this.clock();
    const inThisBatch = new Set<string>();
    const closedHours = new Set<number>();
    const results = await mapConcurrently(request.events, 32, async (envelope, index) => {
      const row = validateEngagement(envelope, now);
      if (isRejection(row)) return rejected(index, envelope.eventId, row.field, row.rule);
      if (inThisBatch.has(row.eventId) || (await this.store.hasEngagement(row))) return duplicate(index, row.eventId);
      inThisBatch.add(row.eventId);
      await this.store.writeEngagement(row, ttlSecondsFor(row.tsMs, now));
      const hour = hourOf(row.tsMs);
      if (isClosedOrClosing(hour, now)) closedHours.add(hour);
      return accepted(index, row.eventId);
    });
    this.cache.invalidate([...closedHours].map(hourEngagementKey));
    return { results };
  }
}
