import { expect } from 'vitest';
import { IngestServiceDefinition } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import {
  SessionServiceDefinition,
  type RecordModeEventsRequest,
  type RecordModeEventsResponse,
} from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import { ingestRoutes } from '../../services/ingest/routes.js';
import { accepted } from '../../services/shared/batch.js';
import { createServiceClient, type ServiceClient } from '../../services/shared/grpc-client.js';
import { hosted, startGrpcServer, type RunningGrpcServer } from '../../services/shared/grpc-server.js';
import { createLogger } from '../../services/shared/logger.js';
import { serve, type CallContext } from '../../services/shared/handler.js';
import { unimplemented } from './unimplemented.js';
import { testConfig } from './env.js';

const logger = createLogger('test', 'silent');

/** What the owner saw of one call: its deadline, and when it ended (aborted) if it did. */
export interface OwnerCall {
  startedAt: number;
  deadline: Date | undefined;
  endedAt?: number;
}

/**
 * The real ingest service in this process, in front of a real gRPC session service whose RecordModeEvents sleeps
 * until its call ends for user "sleepy" (and accepts everyone else at once): tests see whether, and when, a call
 * made on a caller's behalf ends with that caller.
 */
export class OwnerHarness {
  readonly calls: OwnerCall[] = [];
  private readonly servers: RunningGrpcServer[] = [];
  private readonly clients: Array<ServiceClient<typeof IngestServiceDefinition>> = [];

  async startOwner(port = 0): Promise<RunningGrpcServer> {
    const calls = this.calls;
    const handler = {
      async handle(request: RecordModeEventsRequest, { signal, deadline }: CallContext): Promise<RecordModeEventsResponse> {
        const seen: OwnerCall = { startedAt: Date.now(), deadline };
        calls.push(seen);
        if (request.events.some((e) => e.event?.userId === 'sleepy')) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 10_000);
            signal.addEventListener('abort', () => {
              seen.endedAt = Date.now();
              clearTimeout(timer);
              resolve();
            });
          });
        }
        return { results: request.events.map((e, i) => accepted(i, e.eventId)) };
      },
    };
    const owner = await startGrpcServer({
      host: '127.0.0.1',
      port,
      logger,
      services: [hosted(SessionServiceDefinition, { ...unimplemented(SessionServiceDefinition), recordModeEvents: serve(handler) })],
    });
    this.servers.push(owner);
    return owner;
  }

  /** The real ingest service, with its session owner at `ownerPort`. */
  async startIngest(ownerPort: number): Promise<RunningGrpcServer> {
    const base = testConfig();
    const config = { ...base, services: { ...base.services, session: { port: ownerPort, address: `127.0.0.1:${ownerPort}` } } };
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
    const ingest = await startGrpcServer({ host: '127.0.0.1', port: 0, logger, services: [service], onClose: closers });
    this.servers.push(ingest);
    return ingest;
  }

  ingestClient(ingest: RunningGrpcServer): ServiceClient<typeof IngestServiceDefinition> {
    const client = createServiceClient(IngestServiceDefinition, `127.0.0.1:${ingest.port}`);
    this.clients.push(client);
    return client;
  }

  /** Waits (bounded) until the owner has seen `count` calls; the last of them. */
  async received(count: number): Promise<OwnerCall> {
    for (let waited = 0; this.calls.length < count && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(this.calls.length).toBe(count);
    return this.calls[count - 1];
  }

  /** Waits (bounded) until the owner's call has ended; when it did. */
  async ended(call: OwnerCall): Promise<number> {
    for (let waited = 0; call.endedAt === undefined && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(call.endedAt, 'the owner call was still running').toBeDefined();
    return call.endedAt!;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.close();
    for (const server of this.servers.reverse()) await server.shutdown(100);
  }
}
