import { Code, ConnectError } from '@connectrpc/connect';
import { Status } from 'nice-grpc';
import { toStatusError } from '../shared/errors.js';
import type { UnaryHandler } from '../shared/handler.js';
import { IngestEventsRequest, IngestEventsResponse } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { IngestService } from '../../gen/es/gamepulse/ingest/v1/ingest_pb.js';
import type { UnaryBackend } from './backend-call.js';
import { RETRY_AFTER_SECONDS } from './http-errors.js';

const INGEST_EVENTS_PATH = `/${IngestService.typeName}/${IngestService.method.ingestEvents.name}`;

/**
 * Ingest's front-door work (checks, event ids, repeats within a batch, the fan-out to the owners with their retries)
 * done inside the gateway for its plain HTTP routes, by the handler the ingest service runs: one gRPC hop fewer on
 * every write those routes take. Callers of IngestService over Connect, gRPC-Web and gRPC still reach the service.
 * It answers as the hop did: the same bytes, the deadline enforced, a failure as a ConnectError with the gRPC code.
 */
export class InProcessIngest implements UnaryBackend {
  constructor(
    private readonly handler: UnaryHandler<IngestEventsRequest, IngestEventsResponse>,
    private readonly defaultDeadlineMs: number,
  ) {}

  async unary(path: string, request: Uint8Array, signal?: AbortSignal, timeoutMs = this.defaultDeadlineMs): Promise<Uint8Array> {
    if (path !== INGEST_EVENTS_PATH) throw new ConnectError(`${path} is not served in the gateway`, Code.Unimplemented);
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
      const handled = this.handler.handle(IngestEventsRequest.decode(request), { signal: bounds.signal, deadline });
      const answer = await Promise.race([handled, ended]);
      return IngestEventsResponse.encode(answer).finish();
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
