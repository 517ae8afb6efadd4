import {
  create,
  fromBinary,
  toBinary,
  type DescMethodUnary,
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import type { BackendChannel } from './backend-channel.js';

/** What a route needs of a backend to call its unary RPCs (a fake in the routes' unit tests). */
export type UnaryBackend = Pick<BackendChannel, 'unary'>;

/** Calls one unary RPC of a backend with protobuf-es messages: for gateway routes that are not plain forwarding. */
export async function callBackend<I extends DescMessage, O extends DescMessage>(
  channel: UnaryBackend,
  method: DescMethodUnary<I, O>,
  input: MessageInitShape<I>,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<MessageShape<O>> {
  const path = `/${method.parent.typeName}/${method.name}`;
  const request = toBinary(method.input, create(method.input, input));
  return fromBinary(method.output, await channel.unary(path, request, options.signal, options.timeoutMs));
}
