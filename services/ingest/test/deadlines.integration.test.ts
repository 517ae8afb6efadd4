// Ingest's calls to the owners are bounded by its own caller: the caller's deadline goes on to the owner call, and a
// caller that cancels cancels the owner calls it started. The owner here is a real gRPC server whose handler
// sleeps until its call ends, so that the test sees when (and whether) that happens.
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestServiceClient, type IngestEventsRequest } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { ModeAction, SessionServiceService, type RecordModeEventsResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { startGrpcServer, type RunningGrpcServer } from '../../shared/grpc-server.js';
import { createLogger } from '../../shared/logger.js';
import { unary, withUnimplemented, type CallContext } from '../../shared/rpc.js';
import { testConfig } from '../../../test/support/env.js';
import { ingestRoutes } from '../routes.js';

const logger = createLogger('test', 'silent');

/** What the sleeping owner saw of one call: its deadline, and when it ended (aborted) if it did. */
interface OwnerCall {
  startedAt: number;
  deadline: Date | undefined;
  endedAt?: number;
}

const ownerCalls: OwnerCall[] = [];
let owner: RunningGrpcServer;
let ingest: RunningGrpcServer;
let client: IngestServiceClient;

beforeAll(async () => {
  const sleepUntilTheCallEnds = {
    async handle(_request: unknown, { signal, deadline }: CallContext): Promise<RecordModeEventsResponse> {
      const seen: OwnerCall = { startedAt: Date.now(), deadline };
      ownerCalls.push(seen);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        signal.addEventListener('abort', () => {
          seen.endedAt = Date.now();
          clearTimeout(timer);
          resolve();
        });
      });
      return { results: [] };
    },
  };
  owner = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    services: [
      {
        name: 'gamepulse.session.v1.SessionService',
        definition: SessionServiceService,
        implementation: withUnimplemented(SessionServiceService, { recordModeEvents: unary(sleepUntilTheCallEnds, logger) }),
      },
    ],
  });
  const base = testConfig();
  const ownerAddress = { port: owner.port, address: `127.0.0.1:${owner.port}` };
  const config = { ...base, services: { ...base.services, session: ownerAddress } };
  const closers: Array<() => void | Promise<void>> = [];
  const service = ingestRoutes({
    config,
    logger,
    onClose: (close) => void closers.push(close),
    stopping: new AbortController().signal,
    get cassandra(): never {
      throw new Error('ingest uses no storage');
    },
    get cache(): never {
      throw new Error('ingest uses no storage');
    },
  });
  ingest = await startGrpcServer({ host: '127.0.0.1', port: 0, logger, services: [service], onClose: closers });
  client = new IngestServiceClient(`127.0.0.1:${ingest.port}`, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await ingest?.shutdown(100);
  await owner?.shutdown(100);
});

const oneModeEvent: IngestEventsRequest = {
  events: [
    {
      eventId: '',
      payload: {
        $case: 'mode',
        value: { userId: 'u1', areaCode: '111', mode: 'Arena', action: ModeAction.MODE_ACTION_LOGIN, ts: undefined },
      },
    },
  ],
};

/** Waits (bounded) until the owner has seen `count` calls. */
async function ownerReceived(count: number): Promise<OwnerCall> {
  for (let waited = 0; ownerCalls.length < count && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  expect(ownerCalls.length).toBe(count);
  return ownerCalls[count - 1];
}

/** Waits (bounded) until the owner's call has ended. */
async function ownerCallEnded(call: OwnerCall): Promise<number> {
  for (let waited = 0; call.endedAt === undefined && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  expect(call.endedAt, 'the owner call was still running').toBeDefined();
  return call.endedAt!;
}

describe("ingest's owner calls", () => {
  it("end at the caller's deadline: DEADLINE_EXCEEDED comes quickly, and the owner call stops with it", async () => {
    const deadline = new Date(Date.now() + 300);
    const started = Date.now();
    const error = await new Promise<ServiceError | null>((resolve) =>
      client.ingestEvents(oneModeEvent, new Metadata(), { deadline }, (e) => resolve(e)),
    );
    const answeredAfter = Date.now() - started;
    expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(answeredAfter).toBeLessThan(1000);
    const seen = await ownerReceived(1);
    // The owner was given the caller's deadline (grpc-timeout loses a little on each hop), not ingest's own 10 s.
    expect(seen.deadline).toBeDefined();
    expect(seen.deadline!.getTime()).toBeLessThanOrEqual(deadline.getTime() + 50);
    expect((await ownerCallEnded(seen)) - deadline.getTime()).toBeLessThan(500);
  });

  it('are cancelled when the caller cancels: no owner call is left running', async () => {
    const before = ownerCalls.length;
    let answer: ServiceError | null | undefined;
    const call = client.ingestEvents(oneModeEvent, new Metadata(), { deadline: new Date(Date.now() + 8000) }, (e) => (answer = e));
    const seen = await ownerReceived(before + 1);
    expect(seen.endedAt).toBeUndefined();
    const cancelledAt = Date.now();
    call.cancel();
    expect((await ownerCallEnded(seen)) - cancelledAt).toBeLessThan(500);
    expect(answer?.code).toBe(status.CANCELLED);
  });
});
