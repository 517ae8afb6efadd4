import { Code, ConnectError } from '@connectrpc/connect';
import { Status } from 'nice-grpc';
import { toStatusError } from '../shared/errors.js';
import type { UnaryHandler } from '../shared/handler.js';
import type { IngestEventsRequest, IngestEventsResponse } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { RETRY_AFTER_SECONDS } from './http-errors.js';

/** How the gateway's plain HTTP routes hand events to ingest (a fake in the routes' unit tests). */
export interface EventIngest {
  ingestEvents(request: IngestEventsRequest, options?: IngestOptions): Promise<IngestEventsResponse>;
}

/** A route's ingest call: its caller's signal, its deadline, and the game it acts for (the default game if none). */
export interface IngestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  game?: string;
}

/**
 * Ingest's front-door work (checks, event ids, repeats within a batch, the fan-out to the owners with their retries)
 * done inside the gateway for its plain HTTP routes, by the handler the ingest service runs: no gRPC hop and no
 * message encoding on the writes those routes take. Callers of IngestService over Connect, gRPC-Web and gRPC still
 * reach the service. It answers as that hop did: the deadline enforced, a failure as a ConnectError with the gRPC code.
 */
export class InProcessIngest implements EventIngest {
  constructor(
    private readonly handler: UnaryHandler<IngestEventsRequest, IngestEventsResponse>,
    private readonly defaultDeadlineMs: number,
  ) {}

  async ingestEvents(request: IngestEventsRequest, options: IngestOptions = {}): Promise<IngestEventsResponse> {
    const { signal, timeoutMs = this.defaultDeadlineMs, game } = options;
    const deadline = new Date(Date.now() + timeoutMs);
    // The owner calls end at the deadline or with the caller; the answer is then the deadline's, as a hop's would be.
    const bounds = new AbortController();
    const timer = setTimeout(() => bounds.abort(new ConnectError('deadline exceeded', Code.DeadlineExceeded)), timeoutMs);
    const callerGone = () => bounds.abort(signal?.reason);
    if (signal?.aborted) callerGone();
    else signal?.addEventListener('abort', callerGone, { once: true });
    const ended = new Promise<never>((_, reject) => {
      const fail = () => reject(ConnectError.from(bounds.signal.reason));
      if (bounds.signal.aborted) fail();
      else bounds.signal.addEventListener('abort', fail, { once: true });
    });
    try {
      return await Promise.race([this.handler.handle(request, { signal: bounds.signal, deadline, game }), ended]);
    } catch (error) {
      if (error instanceof ConnectError) throw error;
      const { code, details } = toStatusError(error);
      const headers = code === Status.UNAVAILABLE ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : undefined;
      throw new ConnectError(details, code as number, headers);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', callerGone);
    }
  }
}
