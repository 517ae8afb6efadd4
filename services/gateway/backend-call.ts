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

/** Calls one unary RPC of a backend with protobuf-es messages: for gateway routes that are not plain forwarding. */
export async function callBackend<I extends DescMessage, O extends DescMessage>(
  channel: BackendChannel,
  method: DescMethodUnary<I, O>,
  input: MessageInitShape<I>,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<MessageShape<O>> {
  const path = `/${method.parent.typeName}/${method.name}`;
  const request = toBinary(method.input, create(method.input, input));
  return fromBinary(method.output, await channel.unary(path, request, options.signal, options.timeoutMs));
}
