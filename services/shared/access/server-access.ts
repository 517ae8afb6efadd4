import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import type { AuthMode } from './caller.js';
import { internalRpcs } from './internal-rpcs.js';
import { SERVICE_CREDENTIAL_METADATA, type ServiceCredential } from './service-credential.js';

/** Services any caller may use whatever the mode: probes (kubelet's, the gateway's) and schema lookups. */
const openServices = ['/grpc.health.v1.', '/grpc.reflection.'];

/**
 * Who may call what on a backend's gRPC server, refused before the handler runs: the internal RPCs
 * (internal-rpcs.ts) answer only to a caller presenting the service credential; when auth is required, every RPC
 * does (callers with API keys come through the gateway, which checks their keys), health and reflection aside.
 */
export function accessControl(credential: ServiceCredential, mode: AuthMode): ServerMiddleware {
  return async function* (call, context) {
    const path = call.method.path;
    const instead = internalRpcs.get(path);
    const internal = instead !== undefined;
    if (internal || (mode === 'required' && !openServices.some((prefix) => path.startsWith(prefix)))) {
      const presented = context.metadata.get(SERVICE_CREDENTIAL_METADATA);
      if (!credential.matches(typeof presented === 'string' ? presented : undefined)) {
        throw new ServerError(
          internal ? Status.PERMISSION_DENIED : Status.UNAUTHENTICATED,
          internal
            ? `${path.slice(1)}: internal, answers only to gamepulse's own services; ${instead}`
            : `${path.slice(1)}: this service answers only to gamepulse's own processes; call the gateway with an API key`,
        );
      }
    }
    return yield* call.next(call.request, context);
  };
}
