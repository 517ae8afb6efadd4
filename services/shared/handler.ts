import type { Context as TraceContext } from '@opentelemetry/api';
import type { Caller } from './access/caller.js';
import { DEFAULT_GAME } from './access/game.js';
import { withTraceContext } from './tracing.js';

/**
 * What a handler knows of its call: `signal` aborts when the caller cancels, goes away or its deadline passes;
 * `deadline` is when the caller stops waiting (undefined: it set none). Calls a handler makes to other services pass
 * both on. The gRPC server fills it in (see server-middleware.ts); tests and in-process callers build it by hand.
 */
export interface CallContext {
  signal: AbortSignal;
  deadline: Date | undefined;
  /** The call's span (tracing.ts), made the active one while its handler runs; absent when tracing is off. */
  traceContext?: TraceContext;
  /** Whose API key the gateway verified for the call; absent when none was needed (see Authorizer). */
  caller?: Caller;
  /** The game the call acts for (access/game.ts); absent: DEFAULT_GAME. */
  game?: string;
}

/** The game a call acts for. */
export const gameOf = (context: Pick<CallContext, 'game'>): string => context.game ?? DEFAULT_GAME;

/** An RPC handler as the services write it: a request in, a response (or a thrown error) out. */
export interface UnaryHandler<Req, Res> {
  handle(request: Req, context: CallContext): Promise<Res>;
}

/** A server-streaming handler: yields responses until done or until the caller goes away (signal aborted). */
export interface StreamHandler<Req, Res> {
  handle(request: Req, context: CallContext): AsyncIterable<Res>;
}

/** The method a service implementation hands nice-grpc for a handler: `async (request, context)`. */
export function serve<Req, Res>(handler: UnaryHandler<Req, Res>): (request: Req, context: CallContext) => Promise<Res>;
export function serve<Req, Res>(handler: StreamHandler<Req, Res>): (request: Req, context: CallContext) => AsyncIterable<Res>;
export function serve<Req, Res>(handler: UnaryHandler<Req, Res> | StreamHandler<Req, Res>) {
  return (request: Req, context: CallContext) => withTraceContext(context.traceContext, () => handler.handle(request, context));
}
