import { credentials } from '@grpc/grpc-js';
import type { Config } from '../shared/config.js';
import { callUnary, type CallBounds } from '../shared/grpc-client.js';
import {
  RecordEngagementsRequest,
  RecordReactionsRequest,
  ReactionServiceClient,
  type RecordEngagementsResponse,
  type RecordReactionsResponse,
} from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import {
  RecordModeEventsRequest,
  RecordSessionEventsRequest,
  SessionServiceClient,
  type RecordModeEventsResponse,
  type RecordSessionEventsResponse,
} from '../../gen/ts-proto/gamepulse/session/v1/session.js';

/** The services that own each kind of event, as ingest calls them, within the bounds of ingest's own caller. */
export interface EventOwners {
  recordSessionEvents(request: RecordSessionEventsRequest, bounds: CallBounds): Promise<RecordSessionEventsResponse>;
  recordModeEvents(request: RecordModeEventsRequest, bounds: CallBounds): Promise<RecordModeEventsResponse>;
  recordEngagements(request: RecordEngagementsRequest, bounds: CallBounds): Promise<RecordEngagementsResponse>;
  recordReactions(request: RecordReactionsRequest, bounds: CallBounds): Promise<RecordReactionsResponse>;
  close(): void;
}

/** gRPC clients (ts-proto, @grpc/grpc-js) to the session and reaction services. */
export function grpcEventOwners(services: Config['services']): EventOwners {
  const session = new SessionServiceClient(services.session.address, credentials.createInsecure());
  const reaction = new ReactionServiceClient(services.reaction.address, credentials.createInsecure());
  const recordSessionEvents = session.recordSessionEvents.bind(session);
  const recordModeEvents = session.recordModeEvents.bind(session);
  const recordEngagements = reaction.recordEngagements.bind(reaction);
  const recordReactions = reaction.recordReactions.bind(reaction);
  return {
    recordSessionEvents: (request, bounds) => callUnary(recordSessionEvents, request, bounds),
    recordModeEvents: (request, bounds) => callUnary(recordModeEvents, request, bounds),
    recordEngagements: (request, bounds) => callUnary(recordEngagements, request, bounds),
    recordReactions: (request, bounds) => callUnary(recordReactions, request, bounds),
    close: () => {
      session.close();
      reaction.close();
    },
  };
}
