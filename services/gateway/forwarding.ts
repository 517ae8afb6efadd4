import { fromBinary, toBinary, type DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import { internalRpcs } from '../shared/access/internal-rpcs.js';
import type { BackendChannel } from './backend-channel.js';
import { callerKey } from './connect-handler.js';

type AnyHandler = (request: never, context: HandlerContext) => unknown;

/**
 * Serves every RPC of a service description by forwarding it to the backend that owns the service: the
 * request decoded by Connect (JSON, gRPC-Web or gRPC) is re-encoded as protobuf and sent over gRPC, and the
 * backend's answer is decoded back for Connect to encode for the caller, for the game of the caller's key (the
 * default game when it needed none). The owners' internal RPCs are not forwarded: they are refused with
 * PERMISSION_DENIED, naming what to use instead (events go in through ingest, which validates them first).
 */
export function forwardService(router: ConnectRouter, service: DescService, backend: BackendChannel): void {
  const implementation: Record<string, AnyHandler> = {};
  for (const method of service.methods) {
    const path = `/${service.typeName}/${method.name}`;
    const instead = internalRpcs.get(path);
    if (instead !== undefined) {
      implementation[method.localName] = () => {
        throw new ConnectError(`${path.slice(1)}: internal, not served here; ${instead}`, Code.PermissionDenied);
      };
      continue;
    }
    switch (method.methodKind) {
      case 'unary':
        implementation[method.localName] = async (request, context) => {
          const game = context.values.get(callerKey)?.game;
          const bytes = await backend.unary(path, toBinary(method.input, request), context.signal, context.timeoutMs(), game);
          return fromBinary(method.output, bytes);
        };
        break;
      case 'server_streaming':
        implementation[method.localName] = async function* (request, context) {
          const game = context.values.get(callerKey)?.game;
          const stream = backend.serverStream(path, toBinary(method.input, request), context.signal, context.timeoutMs(), game);
          for await (const bytes of stream) {
            yield fromBinary(method.output, bytes);
          }
        };
        break;
      default:
        throw new Error(`${path}: ${method.methodKind} RPCs are not forwarded by the gateway`);
    }
  }
  router.service(service, implementation as never);
}
