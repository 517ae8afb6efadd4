import { fromBinary, toBinary, type DescService } from '@bufbuild/protobuf';
import { ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import { Status, type TsProtoServiceDefinition } from 'nice-grpc';
import { toStatusError } from '../shared/errors.js';
import type { UnaryHandler } from '../shared/handler.js';
import type { Logger } from '../shared/logger.js';
import { callerKey } from './connect-handler.js';
import { RETRY_AFTER_SECONDS } from './http-errors.js';

interface Codec {
  encode(message: never): { finish(): Uint8Array };
  decode(input: Uint8Array): unknown;
}

/**
 * Serves the unary RPCs of a service whose handlers run in the gateway itself (AccessService) through the Connect
 * router. The handlers are written as every service's are (ts-proto messages, a CallContext, thrown errors): the
 * message Connect decoded is re-encoded for them, their answer decoded back, their errors given their status.
 */
export function serveLocally(
  router: ConnectRouter,
  service: DescService,
  definition: TsProtoServiceDefinition,
  handlers: Record<string, UnaryHandler<never, unknown>>,
  defaultDeadlineMs: number,
  logger: Logger,
): void {
  const implementation: Record<string, (request: never, context: HandlerContext) => Promise<unknown>> = {};
  for (const method of service.methods) {
    const handler = handlers[method.localName];
    const codecs = definition.methods[method.localName] as { requestType: Codec; responseType: Codec };
    if (method.methodKind !== 'unary' || !handler || !codecs)
      throw new Error(`${service.typeName}/${method.name}: no unary handler to serve`);
    implementation[method.localName] = async (request, context) => {
      const input = codecs.requestType.decode(toBinary(method.input, request)) as never;
      const deadline = new Date(Date.now() + (context.timeoutMs() ?? defaultDeadlineMs));
      try {
        const output = await handler.handle(input, { signal: context.signal, deadline, caller: context.values.get(callerKey) });
        return fromBinary(method.output, codecs.responseType.encode(output as never).finish());
      } catch (error) {
        // The caller's deadline passed or it went away while the handler waited on another service: its own reason
        // (connect-node's is DEADLINE_EXCEEDED when its timeout passed) says more than the aborted call's.
        if (context.signal.aborted) throw ConnectError.from(context.signal.reason);
        const { code, details } = toStatusError(error);
        if (code === Status.INTERNAL) logger.error({ err: error, rpc: `${service.typeName}/${method.name}` }, 'rpc failed');
        const headers = code === Status.UNAVAILABLE ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : undefined;
        throw new ConnectError(details, code as number, headers);
      }
    };
  }
  router.service(service, implementation as never);
}
