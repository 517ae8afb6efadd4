import { recordBatch } from '../../shared/batch.js';
import type { CacheInvalidation } from '../../shared/cache.js';
import { ttlSecondsFor } from '../../shared/retention.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { hourOf, isClosedOrClosing, type Clock } from '../../shared/time.js';
import type { RecordReactionsRequest, RecordReactionsResponse } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { matchHourKey } from '../match-summary.js';
import type { ReactionStore } from '../store.js';
import { validateReaction } from '../validation.js';

/** What recording reactions needs of the store. */
export type ReactionWrites = Pick<ReactionStore, 'hasReaction' | 'writeReaction'>;

/**
 * Stores reactions, as the call's game's; acknowledged only once stored in Cassandra. An event id already stored is a duplicate; an id ingest
 * made up is new by construction, so it is not looked for.
 */
export class RecordReactionsHandler implements UnaryHandler<RecordReactionsRequest, RecordReactionsResponse> {
  constructor(
    private readonly store: ReactionWrites,
    private readonly cache: CacheInvalidation,
    private readonly clock: Clock,
  ) {}

  async handle(request: RecordReactionsRequest, context: CallContext): Promise<RecordReactionsResponse> {
    const now = this.clock();
    const game = gameOf(context);
    const { results, stored } = await recordBatch(request.events, {
      validate: (envelope) => validateReaction(envelope, now, game),
      dedupeKey: (row) => row.eventId,
      store: async (row) => {
        if (!row.idAssigned && (await this.store.hasReaction(row))) return false;
        await this.store.writeReaction(row, ttlSecondsFor(row.tsUs, now));
        return true;
      },
    });
    const changed = stored.filter((row) => isClosedOrClosing(hourOf(row.tsUs), now));
    this.cache.invalidate([...new Set(changed.map((row) => matchHourKey(game, row.matchId, hourOf(row.tsUs))))]);
    return { results };
  }
}
