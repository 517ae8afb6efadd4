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

/**
 * nice-grpc bounds a call by its `deadline` on the client side only; this also sends it as `grpc-timeout`, as gRPC
 * clients do, so that the server (and the calls it makes in turn) know it. The time left is counted when the call
 * starts: a retried attempt carries it unchanged, and the client-side deadline still ends every attempt in time.
 */
const deadlineOnTheWire: ClientMiddleware<DeadlineOptions> = async function* (call, options) {
  if (options.deadline === undefined) return yield* call.next(call.request, options);
  const deadlineMs = options.deadline instanceof Date ? options.deadline.getTime() : Date.now() + options.deadline;
  const metadata = Metadata(options.metadata);
  metadata.set('grpc-timeout', `${Math.max(1, Math.ceil(deadlineMs - Date.now()))}m`);
  return yield* call.next(call.request, { ...options, metadata });
};

/** Every client between services: retries (for methods that allow them) inside the caller's deadline. */
const clientFactory = createClientFactory().use(retryMiddleware).use(deadlineMiddleware).use(deadlineOnTheWire);

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

/** A nice-grpc client of one service at `address` (host:port), closed with `close()`. */
export function createServiceClient<D extends TsProtoServiceDefinition>(definition: D, address: string): ServiceClient<D> {
  const channel = createChannel(address, undefined, RECONNECT_QUICKLY);
  const client = clientFactory.create(definition, channel, { '*': RETRY_WHILE_UNAVAILABLE });
  return Object.assign(client, { close: () => channel.close() });
}
