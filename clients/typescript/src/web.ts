// Transports for browsers: Connect (JSON) or gRPC-Web, to the gateway.
import type { Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import { withApiKey } from './index.js';

export interface WebTransportOptions {
  /** The gateway, e.g. `window.location.origin` for a page it serves. */
  baseUrl: string;
  /** Default `connect`. */
  protocol?: 'connect' | 'grpc-web';
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
}

export function createWebTransport({ baseUrl, protocol = 'connect', apiKey }: WebTransportOptions): Transport {
  const interceptors = apiKey ? [withApiKey(apiKey)] : [];
  return protocol === 'grpc-web' ? createGrpcWebTransport({ baseUrl, interceptors }) : createConnectTransport({ baseUrl, interceptors });
}
