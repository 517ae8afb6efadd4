import { accepted, checkBatchSize, duplicate, mapConcurrently, rejected } from '../../shared/batch.js';
import type { ResponseCache } from '../../shared/cache.js';
import { isRejection } from '../../shared/event-rules.js';
import { ttlSecondsFor } from '../../shared/retention.js';
import type { UnaryHandler } from '../../shared/rpc.js';
import { hourOf, isClosedOrClosing, type Clock } from '../../shared/time.js';
import type {
  RecordReactionsRequest,
  RecordReactionsResponse,
} from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { matchHourKey } from '../match-summary.js';
import type { ReactionStore } from '../store.js';
import { validateReaction } from '../validation.js';

/** Stores reactions; acknowledged only once stored in Cassandra. An event id already stored is a duplicate. */
export class RecordReactionsHandler implements UnaryHandler<RecordReactionsRequest, RecordReactionsResponse> {
  constructor(
    private readonly store: ReactionStore,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  async handle(request: RecordReactionsRequest): Promise<RecordReactionsResponse> {
    checkBatchSize(request.events.length);
    const now = this.clock();
    const inThisBatch = new Set<string>();
    const closedHours = new Set<string>();
    const results = await mapConcurrently(request.events, 32, async (envelope, index) => {
      const row = validateReaction(envelope, now);
      if (isRejection(row)) return rejected(index, envelope.eventId, row.field, row.rule);
      if (inThisBatch.has(row.eventId) || (await this.store.hasReaction(row))) return duplicate(index, row.eventId);
      inThisBatch.add(row.eventId);
      await this.store.writeReaction(row, ttlSecondsFor(row.tsUs / 1000, now));
      const hour = hourOf(row.tsUs / 1000);
      if (isClosedOrClosing(hour, now)) closedHours.add(matchHourKey(row.matchId, hour));
      return accepted(index, row.eventId);
    });
    this.cache.invalidate([...closedHours]);
    return { results };
  }
}
