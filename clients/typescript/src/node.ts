// Transports for Node: Connect (JSON over HTTP/1.1, to the gateway) or gRPC (HTTP/2, to the gateway or a service).
import type { Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { withApiKey } from './index.js';

export interface NodeTransportOptions {
  /** The gateway (`http://127.0.0.1:8080`) or, over gRPC, a service's address (`http://127.0.0.1:50051`). */
  baseUrl: string;
  /** Default `connect`. */
  protocol?: 'connect' | 'grpc';
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
}

export function createNodeTransport({ baseUrl, protocol = 'connect', apiKey }: NodeTransportOptions): Transport {
  const interceptors = apiKey ? [withApiKey(apiKey)] : [];
  return protocol === 'grpc'
    ? createGrpcTransport({ baseUrl, interceptors })
    : createConnectTransport({ baseUrl, httpVersion: '1.1', interceptors });
}
