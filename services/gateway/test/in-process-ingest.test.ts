// The gateway's in-process ingest answers as the gRPC hop to the ingest service did: the handler's answer,
// its errors as ConnectErrors with the gRPC code, the deadline enforced and a caller who goes away ending the work.
import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import type { CallContext } from '../../shared/handler.js';
import type { IngestEventsRequest, IngestEventsResponse } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { InProcessIngest } from '../in-process-ingest.js';

const request: IngestEventsRequest = { events: [{ eventId: 'e1', payload: undefined }] };
const answer: IngestEventsResponse = { results: [], accepted: 1, duplicates: 0, rejected: 0, retryable: 0 };

/** A handler that does `work` with the call's context, remembering the context it got. */
function handlerDoing(work: (context: CallContext) => Promise<IngestEventsResponse>) {
  const seen: CallContext[] = [];
  return {
    seen,
    handle: (_request: IngestEventsRequest, context: CallContext) => {
      seen.push(context);
      return work(context);
    },
  };
}

const untilAborted = ({ signal }: CallContext) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));

describe('InProcessIngest', () => {
  it('answers the handler’s response as the service would, with the caller’s deadline in its context', async () => {
    const handler = handlerDoing(() => Promise.resolve(answer));
    expect(await new InProcessIngest(handler, 5000).ingestEvents(request, { timeoutMs: 2000 })).toEqual(answer);
    expect(handler.seen[0].deadline!.getTime() - Date.now()).toBeGreaterThan(1000);
  });

  it('answers a bad batch INVALID_ARGUMENT naming the field', async () => {
    const ingest = new InProcessIngest(
      handlerDoing(() => Promise.reject(new ValidationError('events', 'must hold 1 to 500 events, got 0'))),
      5000,
    );
    const refused = await ingest.ingestEvents(request).catch((error: ConnectError) => error);
    expect(refused).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'events: must hold 1 to 500 events, got 0' });
  });

  it('answers DEADLINE_EXCEEDED at the deadline and ends the handler’s work with it', async () => {
    const handler = handlerDoing(untilAborted);
    const started = Date.now();
    const failed = await new InProcessIngest(handler, 5000).ingestEvents(request, { timeoutMs: 100 }).catch((error: ConnectError) => error);
    expect(failed).toMatchObject({ code: Code.DeadlineExceeded });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(handler.seen[0].signal.aborted).toBe(true);
  });

  it('ends the handler’s work when its caller goes away, failing with the caller’s reason', async () => {
    const handler = handlerDoing(untilAborted);
    const caller = new AbortController();
    const pending = new InProcessIngest(handler, 5000)
      .ingestEvents(request, { signal: caller.signal })
      .catch((error: ConnectError) => error);
    caller.abort(new ConnectError('caller went away', Code.Canceled));
    expect(await pending).toMatchObject({ code: Code.Canceled });
    expect(handler.seen[0].signal.aborted).toBe(true);
  });
});
