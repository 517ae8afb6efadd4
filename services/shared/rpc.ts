import {
  Metadata,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { NotImplementedError, toStatusError } from './errors.js';
import type { Logger } from './logger.js';

/**
 * What a handler knows of its call: `signal` aborts when the caller cancels or goes away; `deadline` is when the
 * caller stops waiting (undefined: it set none). Calls a handler makes to other services pass both on.
 */
export interface CallContext {
  signal: AbortSignal;
  deadline: Date | undefined;
}

/** An RPC handler as the services write it: a request in, a response (or a thrown error) out. */
export interface UnaryHandler<Req, Res> {
  handle(request: Req, context: CallContext): Promise<Res>;
}

/** A server-streaming handler: yields responses until done or until the caller goes away (signal aborted). */
export interface StreamHandler<Req, Res> {
  handle(request: Req, context: CallContext): AsyncIterable<Res>;
}

/** The caller's deadline of a grpc-js call, if it set one. */
function deadlineOf(call: { getDeadline(): Date | number }): Date | undefined {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** Adapts a handler to grpc-js's callback style, mapping thrown errors to status codes. */
export function unary<Req, Res>(handler: UnaryHandler<Req, Res>, logger: Logger) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    const abort = new AbortController();
    const cancel = () => abort.abort();
    call.on('cancelled', cancel);
    // grpc-js reports 'cancelled' as each call's stream closes, answered or not: listening past the answer would
    // abort (and build an AbortError with its stack) once per call for nothing.
    const answer: sendUnaryData<Res> = (error, response) => {
      call.removeListener('cancelled', cancel);
      callback(error, response);
    };
    handler.handle(call.request, { signal: abort.signal, deadline: deadlineOf(call) }).then(
      (response) => answer(null, response),
      (error: unknown) => answer(asServiceError(error, call.getPath(), logger)),
    );
  };
}

/** Adapts a streaming handler to grpc-js, ending the stream when the caller cancels. */
export function serverStream<Req, Res>(handler: StreamHandler<Req, Res>, logger: Logger) {
  const stream = async (call: ServerWritableStream<Req, Res>): Promise<void> => {
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort());
    try {
      for await (const response of handler.handle(call.request, { signal: abort.signal, deadline: deadlineOf(call) })) {
        if (abort.signal.aborted) break;
        call.write(response);
      }
      if (!abort.signal.aborted) call.end();
    } catch (error) {
      if (!abort.signal.aborted) call.emit('error', asServiceError(error, call.getPath(), logger));
    }
  };
  // Every failure ends the stream above, so nothing is left for the caller of this handler to await.
  return (call: ServerWritableStream<Req, Res>): void => void stream(call);
}

/** Fills the RPCs a service does not implement yet with handlers that answer UNIMPLEMENTED. */
export function withUnimplemented(definition: ServiceDefinition, implemented: UntypedServiceImplementation): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = { ...implemented };
  for (const [name, method] of Object.entries(definition)) {
    if (implementation[name]) continue;
    const error = toStatusError(new NotImplementedError(method.path));
    implementation[name] = method.responseStream
      ? (call: ServerWritableStream<unknown, unknown>) => call.emit('error', error)
      : (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => callback(error);
  }
  return implementation;
}

function asServiceError(error: unknown, path: string, logger: Logger) {
  const mapped = toStatusError(error);
  if (mapped.code === status.INTERNAL) logger.error({ err: error, path }, 'rpc failed');
  return { ...mapped, metadata: new Metadata() };
}
