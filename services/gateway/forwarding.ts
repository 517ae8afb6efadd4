import { fromBinary, toBinary, type DescService } from '@bufbuild/protobuf';
import type { ConnectRouter, HandlerContext } from '@connectrpc/connect';
import type { BackendChannel } from './backend-channel.js';

type AnyHandler = (request: never, context: HandlerContext) => unknown;

/**
 * Serves every RPC of a service description by forwarding it to the backend that owns the service: the
 * request decoded by Connect (JSON, gRPC-Web or gRPC) is re-encoded as protobuf and sent over gRPC, and the
 * backend's answer is decoded back for Connect to encode for the caller.
 */
export function forwardService(router: ConnectRouter, service: DescService, backend: BackendChannel): void {
  const implementation: Record<string, AnyHandler> = {};
  for (const method of service.methods) {
    const path = `/${service.typeName}/${method.name}`;
    switch (method.methodKind) {
      case 'unary':
        implementation[method.localName] = async (request, context) => {
          const bytes = await backend.unary(path, toBinary(method.input, request), context.signal, context.timeoutMs());
          return fromBinary(method.output, bytes);
        };
        break;
      case 'server_streaming':
        implementation[method.localName] = async function* (request, context) {
          const stream = backend.serverStream(path, toBinary(method.input, request), context.signal, context.timeoutMs());
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
