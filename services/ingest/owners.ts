import { credentials } from '@grpc/grpc-js';
import type { Config } from '../shared/config.js';
import { callUnary } from '../shared/grpc-client.js';
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

/** The services that own each kind of event, as ingest calls them. */
export interface EventOwners {
  recordSessionEvents(request: RecordSessionEventsRequest): Promise<RecordSessionEventsResponse>;
  recordModeEvents(request: RecordModeEventsRequest): Promise<RecordModeEventsResponse>;
  recordEngagements(request: RecordEngagementsRequest): Promise<RecordEngagementsResponse>;
  recordReactions(request: RecordReactionsRequest): Promise<RecordReactionsResponse>;
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
    recordSessionEvents: (request) => callUnary(recordSessionEvents, request),
    recordModeEvents: (request) => callUnary(recordModeEvents, request),
    recordEngagements: (request) => callUnary(recordEngagements, request),
    recordReactions: (request) => callUnary(recordReactions, request),
    close: () => {
      session.close();
      reaction.close();
    },
  };
}
