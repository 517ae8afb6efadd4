import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import { DEFAULT_GAME, GAME_METADATA, GAME_RULE, isGameName } from './access/game.js';
import { toStatusError, ValidationError } from './errors.js';
import type { CallContext } from './handler.js';
import type { Logger } from './logger.js';
import { serverMethodMetrics } from './rpc-metrics.js';
import { endSpan, extractTraceContext, SpanKind, startSpan, tracingEnabled } from './tracing.js';

/**
 * Where the server puts the caller's deadline for the handlers (milliseconds since the epoch). @grpc/grpc-js reads
 * the caller's `grpc-timeout` and drops it from the metadata, and nice-grpc does not pass the deadline on, so this
 * interceptor writes it back under a name of ours (replacing any value a caller sent) for `callHandling` to read.
 */
const DEADLINE_METADATA = 'gamepulse-deadline-ms';

/** A @grpc/grpc-js interceptor (nice-grpc's server runs on one) that exposes each call's deadline as metadata. */
export const exposeDeadline: ServerInterceptor = (_method, call) =>
  new ServerInterceptingCall(call, {
    start: (next) =>
      next({
        onReceiveMetadata: (metadata, receive) => {
          metadata.remove(DEADLINE_METADATA);
          const deadline = call.getDeadline();
          const ms = deadline instanceof Date ? deadline.getTime() : deadline;
          if (Number.isFinite(ms)) metadata.set(DEADLINE_METADATA, String(ms));
          receive(metadata);
        },
      }),
  });

/**
 * Every call, in one middleware (each one more is a generator on every call's path): hands the handler its caller's
 * deadline (`context.deadline`), turns what the handler throws into the status its caller gets (errors.ts: the
 * caller's own mistakes in full, storage trouble as UNAVAILABLE, our failures as INTERNAL without internals, and
 * logged; a call its caller abandoned ends as nice-grpc ends it, CANCELLED), and counts, times (`grpc_server_*`) and
 * logs the call once it ended: method, status and duration, failures at warn level.
 */
export function callHandling(logger: Logger): ServerMiddleware<Pick<CallContext, 'deadline' | 'traceContext' | 'game'>> {
  return async function* (call, context) {
    const metrics = serverMethodMetrics(call.method);
    const elapsed = metrics.start();
    const traced = tracingEnabled()
      ? startSpan(
          call.method.path.slice(1),
          SpanKind.SERVER,
          { 'rpc.system': 'grpc', 'rpc.method': call.method.path },
          extractTraceContext((key) => metadataText(context.metadata.get(key))),
        )
      : undefined;
    const log = (code: Status, details?: string) => {
      const elapsedNs = elapsed();
      metrics.end(code, elapsedNs);
      const ms = Math.round(Number(elapsedNs) / 1e5) / 10;
      const entry = { method: call.method.path, code: Status[code], ms, ...(traced && { trace_id: traced.span.spanContext().traceId }) };
      if (code === Status.OK) logger.debug(entry, 'rpc');
      else logger.warn({ ...entry, details }, 'rpc');
      if (traced) {
        traced.span.setAttribute('rpc.grpc.status_code', code);
        endSpan(traced.span, code === Status.OK ? undefined : new Error(`${Status[code]}: ${details ?? ''}`));
      }
    };
    const deadlineMs = Number(context.metadata.get(DEADLINE_METADATA));
    try {
      const result = yield* call.next(call.request, {
        ...context,
        deadline: deadlineMs > 0 ? new Date(deadlineMs) : undefined,
        traceContext: traced?.context,
        game: gameIn(context.metadata.get(GAME_METADATA)),
      });
      log(Status.OK);
      return result;
    } catch (error) {
      if (context.signal.aborted) {
        log(Status.CANCELLED);
        throw error;
      }
      const failure = error instanceof ServerError ? error : asServerError(error, call.method.path, logger);
      log(failure.code, failure.details);
      throw failure;
    }
  };
}

function asServerError(error: unknown, path: string, logger: Logger): ServerError {
  const { code, details } = toStatusError(error);
  if (code === Status.INTERNAL) logger.error({ err: error, path }, 'rpc failed');
  return new ServerError(code, details);
}

/** The game a call names (GAME_METADATA): DEFAULT_GAME when it names none, INVALID_ARGUMENT when malformed. */
function gameIn(value: string | Uint8Array | undefined): string {
  if (value === undefined) return DEFAULT_GAME;
  if (typeof value === 'string' && isGameName(value)) return value;
  throw new ValidationError(GAME_METADATA, `${GAME_RULE} (metadata)`);
}

/** A text metadata value (binary ones, `-bin` keys, are not trace context). */
function metadataText(value: string | Uint8Array | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
