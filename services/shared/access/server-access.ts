import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import { internalRpcPaths } from './internal-rpcs.js';
import { SERVICE_CREDENTIAL_METADATA, type ServiceCredential } from './service-credential.js';

/**
 * Who may call what on a gRPC server: the internal RPCs (internal-rpcs.ts) answer only to a caller presenting the
 * service credential; anything else is refused before its handler runs.
 */
export function accessControl(credential: ServiceCredential): ServerMiddleware {
  return async function* (call, context) {
    if (internalRpcPaths.has(call.method.path)) {
      const presented = context.metadata.get(SERVICE_CREDENTIAL_METADATA);
      if (!credential.matches(typeof presented === 'string' ? presented : undefined)) {
        throw new ServerError(
          Status.PERMISSION_DENIED,
          `${call.method.path.slice(1)}: internal, answers only to gamepulse's ingest service; send events to gamepulse.ingest.v1.IngestService/IngestEvents`,
        );
      }
    }
    return yield* call.next(call.request, context);
  };
}
