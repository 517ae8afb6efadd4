import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { ValidationError } from '../../shared/errors.js';
import { checkId } from '../../shared/event-rules.js';
import type { GetMatchReactionsRequest, GetMatchReactionsResponse } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import type { MatchSummaries } from '../match-summary.js';

/** A match's reactions so far, in the call's game. */
export class GetMatchReactionsHandler implements UnaryHandler<GetMatchReactionsRequest, GetMatchReactionsResponse> {
  constructor(private readonly summaries: MatchSummaries) {}

  async handle(request: GetMatchReactionsRequest, context: CallContext): Promise<GetMatchReactionsResponse> {
    const problem = checkId('match_id', request.matchId);
    if (problem) throw new ValidationError(problem.field, problem.rule);
    return { summary: await this.summaries.summarize(gameOf(context), request.matchId) };
  }
}
