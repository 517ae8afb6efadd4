// The clients between services (grpc-client.ts) against a real gRPC server on loopback whose RPCs fail as told:
// idempotent calls are tried again while the server is UNAVAILABLE, within the caller's deadline and only until the
// caller cancels; nothing else is repeated.
import { isAbortError } from 'abort-controller-x';
import { ServerError, Status } from 'nice-grpc';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionServiceDefinition } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { unimplemented } from '../../../test/support/unimplemented.js';
import { createServiceClient, type ServiceClient } from '../grpc-client.js';
import { hosted, startGrpcServer, type RunningGrpcServer } from '../grpc-server.js';
import { createLogger } from '../logger.js';

let server: RunningGrpcServer;
let client: ServiceClient<typeof SessionServiceDefinition>;
/** The statuses the next calls fail with, one per call; then calls succeed. */
let failures: Status[] = [];
let calls = 0;
/** Runs as the server takes each call (before it answers). */
let onCall: (() => void) | undefined;

function answer<T>(response: T): () => Promise<T> {
  return async () => {
    calls++;
    onCall?.();
    const code = failures.shift();
    if (code !== undefined) throw new ServerError(code, `failing with ${Status[code]}`);
    return response;
  };
}

beforeAll(async () => {
  server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    logger: createLogger('test', 'silent'),
    services: [
      hosted(SessionServiceDefinition, {
        ...unimplemented(SessionServiceDefinition),
        recordModeEvents: answer({ results: [] }),
        countSessionStarts: answer({ countries: [] }),
      }),
    ],
  });
  client = createServiceClient(SessionServiceDefinition, `127.0.0.1:${server.port}`);
});

afterAll(async () => {
  client.close();
  await server.shutdown(100);
});

beforeEach(() => {
  failures = [];
  calls = 0;
  onCall = undefined;
});

describe('an idempotent call (RecordModeEvents)', () => {
  it('is tried again while the server is UNAVAILABLE, and answers once it is back', async () => {
    failures = [Status.UNAVAILABLE, Status.UNAVAILABLE];
    await expect(client.recordModeEvents({ events: [] }, { deadline: 5000 })).resolves.toEqual({ results: [] });
    expect(calls).toBe(3);
  });

  it('gives up after five tries with the last error', async () => {
    failures = Array<Status>(10).fill(Status.UNAVAILABLE);
    await expect(client.recordModeEvents({ events: [] }, { deadline: 5000 })).rejects.toMatchObject({ code: Status.UNAVAILABLE });
    expect(calls).toBe(5);
  });

  it('is never repeated after another error', async () => {
    for (const code of [Status.INVALID_ARGUMENT, Status.DEADLINE_EXCEEDED, Status.INTERNAL, Status.CANCELLED]) {
      calls = 0;
      failures = [code];
      await expect(client.recordModeEvents({ events: [] }, { deadline: 5000 })).rejects.toMatchObject({ code });
      expect(calls).toBe(1);
    }
  });

  it("does not wait past the caller's deadline, nor after the caller cancelled", async () => {
    failures = Array<Status>(10).fill(Status.UNAVAILABLE);
    let started = Date.now();
    await expect(client.recordModeEvents({ events: [] }, { deadline: 120 })).rejects.toMatchObject({ code: Status.DEADLINE_EXCEEDED });
    expect(Date.now() - started).toBeLessThan(400);
    expect(calls).toBeLessThan(5);

    calls = 0;
    failures = Array<Status>(10).fill(Status.UNAVAILABLE);
    const caller = new AbortController();
    onCall = () => caller.abort();
    started = Date.now();
    const retrying = client.recordModeEvents({ events: [] }, { deadline: 5000, signal: caller.signal }).catch((e: unknown) => e);
    // The caller cancels as its first try is being refused (onCall above): whether the refusal or the cancel reaches
    // the client first, no second try follows, however late this machine's timers fire.
    expect(isAbortError(await retrying)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toBe(1);
  });
});

describe('a call not marked idempotent (CountSessionStarts)', () => {
  it('is not repeated, even when the server is UNAVAILABLE', async () => {
    failures = [Status.UNAVAILABLE];
    await expect(client.countSessionStarts({ hours: 1 }, { deadline: 5000 })).rejects.toMatchObject({ code: Status.UNAVAILABLE });
    expect(calls).toBe(1);
  });
});
