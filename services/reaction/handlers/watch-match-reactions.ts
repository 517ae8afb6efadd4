import { ValidationError } from '../../shared/errors.js';
import { checkId } from '../../shared/event-rules.js';
import { gameOf, type CallContext, type StreamHandler } from '../../shared/handler.js';
import type {
  MatchReactionSummary,
  WatchMatchReactionsRequest,
  WatchMatchReactionsResponse,
} from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { feedInterval, type WatchHub } from '../../shared/watch-hub.js';
import { matchSubject } from '../match-summary.js';

/** Streams a match's summary (in the call's game) now and whenever it changes, until the caller goes away or the server stops. */
export class WatchMatchReactionsHandler implements StreamHandler<WatchMatchReactionsRequest, WatchMatchReactionsResponse> {
  constructor(
    private readonly hub: WatchHub<MatchReactionSummary>,
    private readonly stopping: AbortSignal,
  ) {}

  async *handle(request: WatchMatchReactionsRequest, context: CallContext): AsyncGenerator<WatchMatchReactionsResponse> {
    const problem = checkId('match_id', request.matchId);
    if (problem) throw new ValidationError(problem.field, problem.rule);
    const interval = feedInterval(request.intervalMs);
    const subject = matchSubject(gameOf(context), request.matchId);
    for await (const summary of this.hub.watch(subject, interval, AbortSignal.any([context.signal, this.stopping]))) {
      yield { summary };
    }
  }
}
