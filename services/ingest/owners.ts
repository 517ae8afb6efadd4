import { credentials } from '@grpc/grpc-js';
import type { Config } from '../shared/config.js';
import { callUnary, type CallBounds, type UnaryMethod } from '../shared/grpc-client.js';
import { retryWhileUnavailable } from '../shared/retry.js';
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

/**
 * grpc-js waits 1 s (then longer) before reconnecting to a server that refused it, failing calls at once meanwhile:
 * an owner replica restarts faster than that, and the retries below would all land in the wait.
 */
const RECONNECT_QUICKLY = { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1000 };

/** gRPC clients (ts-proto, @grpc/grpc-js) to the session and reaction services. */
export function grpcEventOwners(services: Config['services']): EventOwners {
  const session = new SessionServiceClient(services.session.address, credentials.createInsecure(), RECONNECT_QUICKLY);
  const reaction = new ReactionServiceClient(services.reaction.address, credentials.createInsecure(), RECONNECT_QUICKLY);
  return {
    recordSessionEvents: idempotent(session.recordSessionEvents.bind(session)),
    recordModeEvents: idempotent(session.recordModeEvents.bind(session)),
    recordEngagements: idempotent(reaction.recordEngagements.bind(reaction)),
    recordReactions: idempotent(reaction.recordReactions.bind(reaction)),
    close: () => {
      session.close();
      reaction.close();
    },
  };
}

/** Every owner's writes are idempotent (keyed by event id), so a call that found its owner away is sent again. */
function idempotent<Req, Res>(method: UnaryMethod<Req, Res>): (request: Req, bounds: CallBounds) => Promise<Res> {
  return (request, bounds) => retryWhileUnavailable(() => callUnary(method, request, bounds), bounds);
}
