import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { cors, type ConnectRouter } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { Logger } from '../shared/logger.js';
import { encodeGrpcMessagesPerSpec } from './grpc-message-encoding.js';
import { matchRoute, sendJson, type PlainRoute } from './plain-routes.js';

export interface GatewayServerOptions {
  host: string;
  port: number;
  connectRoutes: (router: ConnectRouter) => void;
  plainRoutes: readonly PlainRoute[];
  logger: Logger;
}

export interface RunningGateway {
  port: number;
  close(): Promise<void>;
}

const http2Preface = Buffer.from('PRI * HTTP/2.0');

/**
 * One port for every caller: Connect JSON and gRPC-Web over HTTP/1.1, and gRPC over cleartext HTTP/2 (h2c).
 * Each new connection's first bytes say which: the HTTP/2 preface goes to the HTTP/2 server, anything else to the
 * HTTP/1.1 server. Both share one handler: plain routes first, then the Connect router.
 */
export async function startGatewayServer(options: GatewayServerOptions): Promise<RunningGateway> {
  const { logger } = options;
  const connectHandler = connectNodeAdapter({ routes: options.connectRoutes });
  const handle = (request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse) => {
    const res = response as ServerResponse;
    const req = request as IncomingMessage;
    allowCors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const pathname = (req.url ?? '/').split('?')[0]!;
    const found = matchRoute(options.plainRoutes, req.method ?? 'GET', pathname);
    if (found === 'method-not-allowed') {
      sendJson(res, 405, { error: `${req.method} is not allowed on ${pathname}` });
      return;
    }
    if (found) {
      found.route.handle(req, res, found.params).catch((error: unknown) => {
        logger.error({ err: error, path: pathname }, 'route failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
      return;
    }
    if (req.headers['content-type']?.startsWith('application/grpc') && request.httpVersionMajor === 2) {
      encodeGrpcMessagesPerSpec(response as Http2ServerResponse);
    }
    connectHandler(request, response);
  };

  const http1 = createHttp1Server(handle);
  const http2 = createHttp2Server(handle);
  const sockets = new Set<Socket>();
  const tcp: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('readable', () => {
      const head: Buffer | null = socket.read(http2Preface.length) ?? socket.read();
      if (head === null) return;
      socket.unshift(head);
      const isHttp2 = head.subarray(0, 3).equals(http2Preface.subarray(0, 3));
      (isHttp2 ? http2 : http1).emit('connection', socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port, options.host, () => resolve());
  });
  const port = (tcp.address() as AddressInfo).port;
  logger.info({ port }, 'gateway listening (Connect JSON, gRPC-Web, gRPC h2c)');

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        http1.closeIdleConnections();
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 5000).unref();
      }),
  };
}

function allowCors(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('access-control-allow-origin', request.headers.origin ?? '*');
  response.setHeader('vary', 'origin');
  response.setHeader('access-control-expose-headers', cors.exposedHeaders.join(', '));
  if (request.method === 'OPTIONS') {
    response.setHeader('access-control-allow-methods', [...cors.allowedMethods, 'GET', 'POST'].join(', '));
    response.setHeader('access-control-allow-headers', cors.allowedHeaders.join(', '));
    response.setHeader('access-control-max-age', '7200');
  }
}
