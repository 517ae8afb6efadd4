import { ValidationError } from '../../shared/errors.js';
import { checkId } from '../../shared/event-rules.js';
import type { StreamHandler } from '../../shared/rpc.js';
import type {
  WatchMatchReactionsRequest,
  WatchMatchReactionsResponse,
} from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import type { MatchWatchHub } from '../watch-hub.js';

const DEFAULT_INTERVAL_MS = 1000;
const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 60_000;

/** Streams a match's summary now and whenever it changes, until the caller goes away or the server stops. */
export class WatchMatchReactionsHandler implements StreamHandler<WatchMatchReactionsRequest, WatchMatchReactionsResponse> {
  constructor(
    private readonly hub: MatchWatchHub,
    private readonly stopping: AbortSignal,
  ) {}

  async *handle(request: WatchMatchReactionsRequest, signal: AbortSignal): AsyncGenerator<WatchMatchReactionsResponse> {
    const problem = checkId('match_id', request.matchId);
    if (problem) throw new ValidationError(problem.field, problem.rule);
    const interval = request.intervalMs || DEFAULT_INTERVAL_MS;
    if (interval < MIN_INTERVAL_MS || interval > MAX_INTERVAL_MS) {
      throw new ValidationError('interval_ms', `must be from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS} (0 means ${DEFAULT_INTERVAL_MS}), got ${interval}`);
    }
    for await (const summary of this.hub.watch(request.matchId, interval, AbortSignal.any([signal, this.stopping]))) {
      yield { summary };
    }
  }
}
