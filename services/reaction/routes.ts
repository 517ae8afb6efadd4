import { hosted, type HostedService } from '../shared/grpc-server.js';
import { serve } from '../shared/handler.js';
import type { ServiceContext } from '../shared/service.js';
import { systemClock } from '../shared/time.js';
import { WatchHub } from '../shared/watch-hub.js';
import { ReactionServiceDefinition, type MatchReactionSummary } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { ErasePlayerHandler } from './handlers/erase-player.js';
import { GetHourlyEngagementHandler } from './handlers/get-hourly-engagement.js';
import { GetMatchReactionsHandler } from './handlers/get-match-reactions.js';
import { RecordEngagementsHandler } from './handlers/record-engagements.js';
import { RecordReactionsHandler } from './handlers/record-reactions.js';
import { WatchMatchReactionsHandler } from './handlers/watch-match-reactions.js';
import { gameAndMatchOf, MatchSummaries } from './match-summary.js';
import { ReactionStore } from './store.js';

/** The ReactionService RPCs, each served by its handler; `hub` is the live feeds' hub, for observing it. */
export function reactionRoutes(
  { cassandra, cache, logger, stopping }: ServiceContext,
  clock = systemClock,
): HostedService & { hub: WatchHub<MatchReactionSummary> } {
  const store = new ReactionStore(cassandra);
  const summaries = new MatchSummaries(store, cache, clock);
  const watchHub = new WatchHub<MatchReactionSummary>(
    'match_reactions',
    (subject) => summaries.summarize(...gameAndMatchOf(subject)),
    logger,
  );
  return {
    hub: watchHub,
    ...hosted(ReactionServiceDefinition, {
      recordEngagements: serve(new RecordEngagementsHandler(store, cache, clock)),
      getHourlyEngagement: serve(new GetHourlyEngagementHandler(store, cache, clock)),
      recordReactions: serve(new RecordReactionsHandler(store, cache, clock)),
      getMatchReactions: serve(new GetMatchReactionsHandler(summaries)),
      watchMatchReactions: serve(new WatchMatchReactionsHandler(watchHub, stopping)),
      erasePlayer: serve(new ErasePlayerHandler(store, cache, clock)),
    }),
  };
}
