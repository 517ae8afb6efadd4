import { Metadata } from 'nice-grpc';
import { DEFAULT_GAME, GAME_METADATA } from '../shared/access/game.js';
import type { Config } from '../shared/config.js';
import { createServiceClient } from '../shared/grpc-client.js';
import type { CallContext } from '../shared/handler.js';
import {
  ReactionServiceDefinition,
  type RecordEngagementsRequest,
  type RecordEngagementsResponse,
  type RecordReactionsRequest,
  type RecordReactionsResponse,
} from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import {
  SessionServiceDefinition,
  type RecordModeEventsRequest,
  type RecordModeEventsResponse,
  type RecordSessionEventsRequest,
  type RecordSessionEventsResponse,
} from '../../gen/ts-proto/gamepulse/session/v1/session.js';

/** The services that own each kind of event, as ingest calls them, within the bounds (and for the game) of its caller. */
export interface EventOwners {
  recordSessionEvents(request: RecordSessionEventsRequest, bounds: CallContext): Promise<RecordSessionEventsResponse>;
  recordModeEvents(request: RecordModeEventsRequest, bounds: CallContext): Promise<RecordModeEventsResponse>;
  recordEngagements(request: RecordEngagementsRequest, bounds: CallContext): Promise<RecordEngagementsResponse>;
  recordReactions(request: RecordReactionsRequest, bounds: CallContext): Promise<RecordReactionsResponse>;
  close(): void;
}

/** How long an owner call may take when ingest's own caller set no deadline. */
const DEFAULT_OWNER_DEADLINE_MS = 10_000;

/**
 * nice-grpc clients to the session and reaction services. Every owner's writes are idempotent (keyed by event id;
 * `idempotency_level = IDEMPOTENT` in the protos), so a call that found its owner away is sent again
 * (RETRY_WHILE_UNAVAILABLE). Each call presents the service credential: the owners' writes answer only to it.
 */
export function grpcEventOwners({ services, serviceCredential }: Pick<Config, 'services' | 'serviceCredential'>): EventOwners {
  const session = createServiceClient(SessionServiceDefinition, services.session.address, serviceCredential);
  const reaction = createServiceClient(ReactionServiceDefinition, services.reaction.address, serviceCredential);
  const options = ({ signal, deadline, game }: CallContext) => ({
    signal,
    deadline: deadline ?? DEFAULT_OWNER_DEADLINE_MS,
    metadata: Metadata({ [GAME_METADATA]: game ?? DEFAULT_GAME }),
  });
  return {
    recordSessionEvents: (request, bounds) => session.recordSessionEvents(request, options(bounds)),
    recordModeEvents: (request, bounds) => session.recordModeEvents(request, options(bounds)),
    recordEngagements: (request, bounds) => reaction.recordEngagements(request, options(bounds)),
    recordReactions: (request, bounds) => reaction.recordReactions(request, options(bounds)),
    close: () => {
      session.close();
      reaction.close();
    },
  };
}
