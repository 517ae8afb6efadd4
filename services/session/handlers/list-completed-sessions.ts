import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { elapsed, spanInMillis, toTimestamp } from '../../shared/time.js';
import type { ListCompletedSessionsRequest, ListCompletedSessionsResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { SessionStore } from '../store.js';
import { checkId } from '../../shared/event-rules.js';
import { ValidationError } from '../../shared/errors.js';
import { sizeOrDefault } from '../../shared/page-size.js';

/** A player's most recent completed sessions in the call's game, newest start first (one partition read). */
export class ListCompletedSessionsHandler implements UnaryHandler<ListCompletedSessionsRequest, ListCompletedSessionsResponse> {
  constructor(private readonly stores: PerGame<SessionStore>) {}

  async handle(request: ListCompletedSessionsRequest, context: CallContext): Promise<ListCompletedSessionsResponse> {
    const problem = checkId('player_id', request.playerId);
    if (problem) throw new ValidationError(problem.field, problem.rule);
    const limit = sizeOrDefault('limit', request.limit, 20, 100);
    const rows = await this.stores(gameOf(context)).listCompleted(request.playerId, limit);
    return {
      sessions: rows.map((row) => ({
        sessionId: row.sessionId,
        country: row.country,
        start: toTimestamp(row.startUs),
        end: toTimestamp(row.endUs),
        durationMs: spanInMillis(elapsed(row.startUs, row.endUs)),
      })),
    };
  }
}
