// The stack as users meet it: every service and the gateway as processes, called through grpcurl (reflection),
// Connect JSON over plain HTTP, and a generated gRPC client through the gateway's h2c port.
import { Status } from 'nice-grpc';
import { Code, createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionService } from '../../gen/es/gamepulse/session/v1/session_pb.js';
import { SessionServiceDefinition } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import { createServiceClient } from '../../services/shared/grpc-client.js';
import { startStack, type RunningStack } from '../../scripts/launcher.js';
import { freePorts, testKeyspace } from '../support/env.js';
import { grpcurl } from '../support/grpcurl.js';

let stack: RunningStack;
let gateway: string;

beforeAll(async () => {
  const [ingest, session, reaction, games, gatewayPort, ...metrics] = await freePorts(10);
  stack = await startStack({
    ports: {
      ingest,
      session,
      reaction,
      games,
      gateway: gatewayPort,
      metrics: { ingest: metrics[0], session: metrics[1], reaction: metrics[2], games: metrics[3], gateway: metrics[4] },
    },
    env: { CASSANDRA_KEYSPACE: testKeyspace, LOG_LEVEL: 'warn' },
    output: 'ignore',
  });
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
});

afterAll(async () => {
  await stack?.stop();
});

describe('grpcurl with server reflection', () => {
  it.each(['ingest', 'session', 'reaction', 'games'] as const)('lists the %s service, health and reflection', async (name) => {
    const listed = (await grpcurl(`127.0.0.1:${stack.ports[name]}`, 'list')).trim().split('\n');
    expect(listed).toEqual(expect.arrayContaining([expect.stringMatching(/^gamepulse\.\w+\.v1\.\w+Service$/), 'grpc.health.v1.Health']));
    expect(listed).toContain('grpc.reflection.v1.ServerReflection');
    expect(listed.find((service) => service.startsWith('gamepulse.'))).toContain(`.${name}.v1.`);
  });

  it('describes a service and its messages, including imported types', async () => {
    const address = `127.0.0.1:${stack.ports.session}`;
    const service = await grpcurl(address, 'describe', 'gamepulse.session.v1.SessionService');
    expect(service).toContain('rpc ListCompletedSessions');
    const message = await grpcurl(address, 'describe', 'gamepulse.session.v1.SessionStart');
    expect(message).toContain('.google.protobuf.Timestamp ts = 4;');
  });
});

describe('gateway', () => {
  it('reports every backend serving on /healthz', async () => {
    const response = await fetch(`${gateway}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; backends: Record<string, { status: string }> };
    expect(body.status).toBe('SERVING');
    expect(Object.keys(body.backends).sort()).toEqual(['games', 'ingest', 'reaction', 'session']);
    for (const backend of Object.values(body.backends)) expect(backend.status).toBe('SERVING');
  });

  it('forwards Connect JSON to the owning service and returns its status', async () => {
    const response = await fetch(`${gateway}/gamepulse.games.v1.GamesService/ListSingleGamePlayers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"pageSize": 5000}',
    });
    const body = (await response.json()) as { code: string; message: string };
    expect(response.status).toBe(400);
    expect(body).toEqual({ code: 'invalid_argument', message: 'page_size: must be from 1 to 1000 (0 means 100), got 5000' });
  });

  it('rejects JSON that does not fit the message with 400 naming the field', async () => {
    const response = await fetch(`${gateway}/gamepulse.session.v1.SessionService/CountSessionStarts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"hours":"many"}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('hours');
  });

  it('serves gRPC over h2c on the same port, for generated clients', async () => {
    const client = createServiceClient(SessionServiceDefinition, `127.0.0.1:${stack.ports.gateway}`);
    try {
      const nobody = await client.listCompletedSessions({ playerId: `nobody-${Date.now()}` });
      expect(nobody.sessions).toEqual([]);
      await expect(client.listCompletedSessions({ playerId: 'p1', limit: 1000 })).rejects.toMatchObject({
        code: Status.INVALID_ARGUMENT,
        details: expect.stringMatching(/^limit: /),
      });
    } finally {
      client.close();
    }
  });

  it('serves gRPC-Web for browser clients', async () => {
    const sessions = createClient(SessionService, createGrpcWebTransport({ baseUrl: gateway, httpVersion: '1.1' }));
    const answer = await sessions.listCompletedSessions({ playerId: `nobody-${Date.now()}` });
    expect(answer.sessions).toEqual([]);
    await expect(sessions.countSessionStarts({ hours: 0 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringMatching(/^hours: /),
    });
  });
});
