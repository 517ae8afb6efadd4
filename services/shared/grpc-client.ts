import { Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/**
 * Calls a unary method of a generated @grpc/grpc-js client (bound to its client: `client.method.bind(client)`) as a
 * promise, with a deadline.
 */
export function callUnary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, timeoutMs = 10_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}
