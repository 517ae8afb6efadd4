// @gamepulse/client: the generated clients of every public gamepulse service (protobuf-es messages, Connect service
// descriptors) and the EventSender. Transports: `@gamepulse/client/node` (Node: Connect or gRPC) and
// `@gamepulse/client/web` (browsers: Connect or gRPC-Web).
import { createClient, type Interceptor, type Transport } from '@connectrpc/connect';
import { AccessService } from './gen/gamepulse/access/v1/access_pb.js';
import { GamesService } from './gen/gamepulse/games/v1/games_pb.js';
import { IngestService } from './gen/gamepulse/ingest/v1/ingest_pb.js';
import { ReactionService } from './gen/gamepulse/reaction/v1/reaction_pb.js';
import { SessionService } from './gen/gamepulse/session/v1/session_pb.js';

export { AccessService, GamesService, IngestService, ReactionService, SessionService };
export { EventOutcome } from './gen/gamepulse/common/v1/event_result_pb.js';
export { EventSchema, type Event } from './gen/gamepulse/ingest/v1/ingest_pb.js';
export { Emoticon, EngagementKind } from './gen/gamepulse/reaction/v1/reaction_pb.js';
export { ModeAction } from './gen/gamepulse/session/v1/session_pb.js';
export { GameResult, PlayerOutcome } from './gen/gamepulse/games/v1/games_pb.js';
export * as access from './gen/gamepulse/access/v1/access_pb.js';
export * as common from './gen/gamepulse/common/v1/event_result_pb.js';
export * as games from './gen/gamepulse/games/v1/games_pb.js';
export * as ingest from './gen/gamepulse/ingest/v1/ingest_pb.js';
export * as reaction from './gen/gamepulse/reaction/v1/reaction_pb.js';
export * as session from './gen/gamepulse/session/v1/session_pb.js';
export {
  EventSender,
  MAX_BATCH_SIZE,
  type EventInit,
  type EventSenderOptions,
  type IngestCaller,
  type SenderCounts,
  type WhenFull,
} from './event-sender.js';
export { newEventId } from './event-id.js';
export { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';

/** A client of every public service over one transport. */
export function createGamepulseClients(transport: Transport) {
  return {
    ingest: createClient(IngestService, transport),
    session: createClient(SessionService, transport),
    reaction: createClient(ReactionService, transport),
    games: createClient(GamesService, transport),
    access: createClient(AccessService, transport),
  };
}

/** Sends an API key with every call (`Authorization: Bearer <key>`, or the same gRPC metadata). */
export function withApiKey(apiKey: string): Interceptor {
  return (next) => (request) => {
    request.header.set('authorization', `Bearer ${apiKey}`);
    return next(request);
  };
}
