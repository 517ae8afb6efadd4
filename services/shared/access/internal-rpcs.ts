import type { TsProtoServiceDefinition } from 'nice-grpc';
import { ReactionServiceDefinition } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { SessionServiceDefinition } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';

/** The gRPC path of a method (`/gamepulse.session.v1.SessionService/RecordSessionEvents`). */
function pathOf(definition: TsProtoServiceDefinition, method: string): string {
  return `/${definition.fullName}/${definition.methods[method].name}`;
}

/**
 * The owners' write RPCs: only ingest calls them, once it has validated and deduplicated a batch. They answer only to
 * a caller holding the service credential, and the gateway never exposes them.
 */
export const internalRpcPaths: ReadonlySet<string> = new Set([
  pathOf(SessionServiceDefinition, 'recordSessionEvents'),
  pathOf(SessionServiceDefinition, 'recordModeEvents'),
  pathOf(ReactionServiceDefinition, 'recordEngagements'),
  pathOf(ReactionServiceDefinition, 'recordReactions'),
]);
