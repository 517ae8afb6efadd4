import type { BackendChannel } from './backend-channel.js';

/** What a route needs of a backend to call its unary RPCs (a fake in the routes' unit tests). */
export type UnaryBackend = Pick<BackendChannel, 'unary'>;

/** A unary method of a generated (ts-proto) service definition: its name and its messages' codecs. */
interface UnaryMethodDefinition {
  name: string;
  requestType: { fromPartial(object: never): unknown; encode(message: never): { finish(): Uint8Array } };
  responseType: { decode(input: Uint8Array): unknown };
}

export type RequestOf<M extends UnaryMethodDefinition> = Parameters<M['requestType']['fromPartial']>[0];
export type ResponseOf<M extends UnaryMethodDefinition> = ReturnType<M['responseType']['decode']>;

/**
 * Calls one unary RPC of a backend with the ts-proto messages of its generated definition, e.g.
 * `callBackend(channel, SessionServiceDefinition, SessionServiceDefinition.methods.listPopularModes, { areaCode })`:
 * for gateway routes that are not plain forwarding.
 */
export async function callBackend<M extends UnaryMethodDefinition>(
  channel: UnaryBackend,
  service: { fullName: string },
  method: M,
  input: RequestOf<M>,
  options: { timeoutMs?: number; signal?: AbortSignal; game?: string } = {},
): Promise<ResponseOf<M>> {
  const request = method.requestType.encode(method.requestType.fromPartial(input) as never).finish();
  const response = await channel.unary(`/${service.fullName}/${method.name}`, request, options.signal, options.timeoutMs, options.game);
  return method.responseType.decode(response) as ResponseOf<M>;
}
