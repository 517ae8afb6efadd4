import type { TsProtoServiceDefinition } from 'nice-grpc';
import { GamesServiceDefinition } from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import { ReactionServiceDefinition } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { SessionServiceDefinition } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';

/** The gRPC path of a method (`/gamepulse.session.v1.SessionService/RecordSessionEvents`). */
function pathOf(definition: TsProtoServiceDefinition, method: string): string {
  return `/${definition.fullName}/${definition.methods[method].name}`;
}

const SEND_EVENTS = 'send events to gamepulse.ingest.v1.IngestService/IngestEvents';
const ERASE_PLAYERS = 'erase a player with gamepulse.access.v1.AccessService/DeletePlayerData';

/**
 * The owners' internal RPCs, each with what a caller uses instead: their writes (only ingest calls them, once it has
 * validated and deduplicated a batch) and their erasures (only the gateway's DeletePlayerData calls them). They
 * answer only to a caller holding the service credential, and the gateway never exposes them.
 */
export const internalRpcs: ReadonlyMap<string, string> = new Map([
  [pathOf(SessionServiceDefinition, 'recordSessionEvents'), SEND_EVENTS],
  [pathOf(SessionServiceDefinition, 'recordModeEvents'), SEND_EVENTS],
  [pathOf(ReactionServiceDefinition, 'recordEngagements'), SEND_EVENTS],
  [pathOf(ReactionServiceDefinition, 'recordReactions'), SEND_EVENTS],
  [pathOf(SessionServiceDefinition, 'erasePlayer'), ERASE_PLAYERS],
  [pathOf(ReactionServiceDefinition, 'erasePlayer'), ERASE_PLAYERS],
  [pathOf(GamesServiceDefinition, 'erasePlayer'), ERASE_PLAYERS],
]);
