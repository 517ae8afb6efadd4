import { recordBatch } from '../../shared/batch.js';
import type { CacheInvalidation } from '../../shared/cache.js';
import { ttlSecondsFor } from '../../shared/retention.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { hourOf, isClosedOrClosing, type Clock } from '../../shared/time.js';
import type { RecordEngagementsRequest, RecordEngagementsResponse } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import type { ReactionStore } from '../store.js';
import { validateEngagement } from '../validation.js';
import { hourEngagementKey } from './get-hourly-engagement.js';

/** What recording engagements needs of the store. */
export type EngagementWrites = Pick<ReactionStore, 'hasEngagement' | 'writeEngagedUser' | 'writeEngagementEvent'>;

/**
 * Stores clicks and impressions, as the call's game's; an event id already stored is a duplicate and counts once. The event row goes after
 * the user's, so that an event found stored has its user stored too.
 */
export class RecordEngagementsHandler implements UnaryHandler<RecordEngagementsRequest, RecordEngagementsResponse> {
  constructor(
    private readonly store: EngagementWrites,
    private readonly cache: CacheInvalidation,
    private readonly clock: Clock,
  ) {}

  async handle(request: RecordEngagementsRequest, context: CallContext): Promise<RecordEngagementsResponse> {
    const now = this.clock();
    const game = gameOf(context);
    const { results, stored } = await recordBatch(request.events, {
      validate: (envelope) => validateEngagement(envelope, now, game),
      dedupeKey: (row) => row.eventId,
      store: async (row) => {
        const ttl = ttlSecondsFor(row.tsUs, now);
        // The user row is idempotent: writing it while checking for a duplicate saves a round trip. An id ingest made
        // up is new by construction: it is not looked for.
        const [known] = await Promise.all([!row.idAssigned && this.store.hasEngagement(row), this.store.writeEngagedUser(row, ttl)]);
        if (known) return false;
        await this.store.writeEngagementEvent(row, ttl);
        return true;
      },
    });
    const changedHours = new Set(stored.map((row) => hourOf(row.tsUs)).filter((hour) => isClosedOrClosing(hour, now)));
    this.cache.invalidate([...changedHours].map((hour) => hourEngagementKey(game, hour)));
    return { results };
  }
}
