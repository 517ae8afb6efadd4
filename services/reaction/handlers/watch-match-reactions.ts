import { ValidationError } from '../../shared/errors.js';
import { checkId } from '../../shared/event-rules.js';
import type { CallContext, StreamHandler } from '../../shared/handler.js';
import type {
  MatchReactionSummary,
  WatchMatchReactionsRequest,
  WatchMatchReactionsResponse,
} from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { feedInterval, type WatchHub } from '../../shared/watch-hub.js';

/** Streams a match's summary now and whenever it changes, until the caller goes away or the server stops. */
export class WatchMatchReactionsHandler implements StreamHandler<WatchMatchReactionsRequest, WatchMatchReactionsResponse> {
  constructor(
    private readonly hub: WatchHub<MatchReactionSummary>,
    private readonly stopping: AbortSignal,
  ) {}

  async *handle(request: WatchMatchReactionsRequest, { signal }: CallContext): AsyncGenerator<WatchMatchReactionsResponse> {
    const problem = checkId('match_id', request.matchId);
    if (problem) throw new ValidationError(problem.field, problem.rule);
    const interval = feedInterval(request.intervalMs);
    for await (const summary of this.hub.watch(request.matchId, interval, AbortSignal.any([signal, this.stopping]))) {
      yield { summary };
    }
  }
}
