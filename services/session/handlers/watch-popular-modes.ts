import { gameOf, type CallContext, type StreamHandler } from '../../shared/handler.js';
import { areaSubject } from '../ranking-generation.js';
import { feedInterval, type WatchHub } from '../../shared/watch-hub.js';
import type { WatchPopularModesRequest, WatchPopularModesResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { sizeOrDefault } from '../../shared/page-size.js';
import { checkAreaCode, DEFAULT_MODES_LIMIT, MAX_MODES_LIMIT } from './list-popular-modes.js';

/**
 * Streams a game's area's modes by users active now, at once and whenever the ranking changes, until the caller goes
 * away or the server stops. The hub computes the whole ranking once per area and interval; each watcher cuts it to
 * its own limit.
 */
export class WatchPopularModesHandler implements StreamHandler<WatchPopularModesRequest, WatchPopularModesResponse> {
  constructor(
    private readonly hub: WatchHub<WatchPopularModesResponse>,
    private readonly stopping: AbortSignal,
  ) {}

  async *handle(request: WatchPopularModesRequest, context: CallContext): AsyncGenerator<WatchPopularModesResponse> {
    checkAreaCode(request.areaCode);
    const limit = sizeOrDefault('limit', request.limit, DEFAULT_MODES_LIMIT, MAX_MODES_LIMIT);
    const interval = feedInterval(request.intervalMs);
    const subject = areaSubject(gameOf(context), request.areaCode);
    for await (const ranking of this.hub.watch(subject, interval, AbortSignal.any([context.signal, this.stopping]))) {
      yield { ...ranking, modes: ranking.modes.slice(0, limit) };
    }
  }
}
