import { Metadata, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';

/** A unary method of a grpc-js client, bound to it. */
export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/** How long a call may take: its caller's deadline (else `timeoutMs` from now), and a signal that cancels it. */
export interface CallBounds {
  deadline?: Date;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Calls a unary method of a generated @grpc/grpc-js client (bound to its client: `client.method.bind(client)`) as a
 * promise. The deadline goes to the server as grpc-timeout; an aborted signal cancels the call (CANCELLED).
 */
export function callUnary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, bounds: CallBounds = {}): Promise<Res> {
  const { signal } = bounds;
  const deadline = bounds.deadline ?? new Date(Date.now() + (bounds.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  return new Promise((resolve, reject) => {
    const cancel = () => call.cancel();
    const call = method(request, new Metadata(), { deadline }, (error, response) => {
      signal?.removeEventListener('abort', cancel);
      if (error) reject(error);
      else resolve(response);
    });
    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
  });
}
