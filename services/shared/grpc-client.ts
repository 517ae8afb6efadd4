import {
  Metadata,
  Status,
  createChannel,
  createClientFactory,
  type Client,
  type ClientMiddleware,
  type TsProtoServiceDefinition,
} from 'nice-grpc';
import { deadlineMiddleware, type DeadlineOptions } from 'nice-grpc-client-middleware-deadline';
import { retryMiddleware, type RetryOptions } from 'nice-grpc-client-middleware-retry';
import { SERVICE_CREDENTIAL_METADATA } from './access/service-credential.js';
import { BALANCED_CHANNEL_OPTIONS, grpcTarget } from './service-address.js';
import { clientMethodMetrics, statusOf } from './rpc-metrics.js';
import { endSpan, injectTraceContext, SpanKind, startSpan, tracingEnabled } from './tracing.js';

/**
 * The outermost step of every call: counts and times it (`grpc_client_*`, each call once, however often it is retried),
 * and sends its deadline as `grpc-timeout` too, as gRPC clients do (nice-grpc bounds a call by its `deadline` on the
 * client side only), so that the server and the calls it makes in turn know it. The time left is counted when the
 * call starts: a retried attempt carries it unchanged, and the client-side deadline still ends every attempt in time.
 */
const callBounds: ClientMiddleware<DeadlineOptions> = async function* (call, options) {
  const metrics = clientMethodMetrics(call.method);
  const elapsed = metrics.start();
  const traced = tracingEnabled()
    ? startSpan(call.method.path.slice(1), SpanKind.CLIENT, { 'rpc.system': 'grpc', 'rpc.method': call.method.path })
    : undefined;
  let code = Status.OK;
  let failure: unknown;
  try {
    if (options.deadline === undefined && !traced) return yield* call.next(call.request, options);
    const metadata = Metadata(options.metadata);
    if (options.deadline !== undefined) {
      const deadlineMs = options.deadline instanceof Date ? options.deadline.getTime() : Date.now() + options.deadline;
      metadata.set('grpc-timeout', `${Math.max(1, Math.ceil(deadlineMs - Date.now()))}m`);
    }
    if (traced) injectTraceContext((key, value) => metadata.set(key, value), traced.context);
    return yield* call.next(call.request, { ...options, metadata });
  } catch (error) {
    code = statusOf(error);
    failure = error;
    throw error;
  } finally {
    metrics.end(code, elapsed());
    if (traced) endSpan(traced.span, failure);
  }
};

/** Every client between services: retries (for methods that allow them) inside the caller's deadline. */
const clientFactory = createClientFactory().use(retryMiddleware).use(deadlineMiddleware).use(callBounds);

/** What a call between services may say besides `signal`: its deadline, and how it is retried. */
export type ServiceCallOptions = DeadlineOptions & RetryOptions;

export type ServiceClient<D extends TsProtoServiceDefinition> = Client<D, ServiceCallOptions> & { close(): void };

/**
 * grpc-js waits 1 s (then longer) before reconnecting to a server that refused it, failing calls at once meanwhile:
 * a replica restarts faster than that, and retries would all land in the wait.
 */
const RECONNECT_QUICKLY = { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1000 };

/**
 * How calls to methods marked `idempotency_level = IDEMPOTENT` in their proto are retried: while the server is
 * UNAVAILABLE, after waits of 50, 100, 200 and 400 ms (each 50–100% of that), five tries in all: enough to ride over a
 * restarting replica (the launcher restarts one after 250 ms, and it listens a few hundred ms later) without holding
 * a caller long. Other methods are never retried.
 */
export const RETRY_WHILE_UNAVAILABLE: RetryOptions = {
  retryMaxAttempts: 4,
  retryBaseDelayMs: 50,
  retryMaxDelayMs: 400,
  retryableStatuses: [Status.UNAVAILABLE],
};

/** Adds the service credential to every call's metadata, whatever metadata the call brings (its game). */
function presenting(serviceCredential: string): ClientMiddleware {
  return async function* (call, options) {
    const metadata = Metadata(options.metadata).set(SERVICE_CREDENTIAL_METADATA, serviceCredential);
    return yield* call.next(call.request, { ...options, metadata });
  };
}

/**
 * A nice-grpc client of one service at `address` (its replicas, balanced round-robin: service-address.ts), closed with
 * `close()`; with `serviceCredential`, every call presents it (the internal RPCs answer only to it).
 */
export function createServiceClient<D extends TsProtoServiceDefinition>(
  definition: D,
  address: string,
  serviceCredential?: string,
): ServiceClient<D> {
  const channel = createChannel(grpcTarget(address), undefined, { ...RECONNECT_QUICKLY, ...BALANCED_CHANNEL_OPTIONS });
  const factory = serviceCredential === undefined ? clientFactory : clientFactory.use(presenting(serviceCredential));
  const client = factory.create(definition, channel, { '*': RETRY_WHILE_UNAVAILABLE });
  return Object.assign(client, { close: () => channel.close() });
}
