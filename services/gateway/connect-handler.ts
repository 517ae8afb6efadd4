import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { Code, ConnectError, createConnectRouter, type ConnectRouter } from '@connectrpc/connect';
import {
  createAsyncIterable,
  readAllBytes,
  type UniversalServerRequest,
  type UniversalServerResponse,
} from '@connectrpc/connect/protocol';
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from '@connectrpc/connect-node';
import type { Logger } from '../shared/logger.js';
import { boundedMessage } from '../shared/quote.js';
import { percentEncodeMinimal } from './grpc-message-encoding.js';

type NodeRequest = IncomingMessage | Http2ServerRequest;
type NodeResponse = ServerResponse | Http2ServerResponse;

/** How a binary request of each content type frames its message. */
const binaryFraming: Record<string, 'unary' | 'grpc' | 'connect-stream'> = {
  'application/proto': 'unary',
  'application/grpc': 'grpc',
  'application/grpc+proto': 'grpc',
  'application/grpc-web': 'grpc',
  'application/grpc-web+proto': 'grpc',
  'application/connect+proto': 'connect-stream',
};

/**
 * The Connect router as a Node request handler (Connect, gRPC-Web and gRPC on one path per RPC), like
 * connect-node's adapter but with one check first: a binary request message that does not parse is the caller's
 * mistake and answers INVALID_ARGUMENT (HTTP 400). connect-es reports it as INTERNAL (500), as if it were ours.
 */
export function connectHandler(options: {
  routes: (router: ConnectRouter) => void;
  readMaxBytes: number;
  logger: Logger;
}): (request: NodeRequest, response: NodeResponse) => void {
  const router = createConnectRouter({ readMaxBytes: options.readMaxBytes, acceptCompression: [compressionGzip, compressionBrotli] });
  options.routes(router);
  const handlers = new Map(router.handlers.map((handler) => [handler.requestPath, handler]));
  return (request, response) => {
    const handler = handlers.get((request.url ?? '').split('?')[0]!);
    if (!handler) {
      response.writeHead(404).end();
      return;
    }
    const universal = universalRequestFromNodeRequest(request, response, undefined, undefined);
    checkBinaryMessage(universal, handler.method.input, options.readMaxBytes)
      .then((checked) => ('refusal' in checked ? checked.refusal : handler(checked.request)))
      .then((answer) => universalResponseToNodeResponse(answer, response))
      .catch((error: unknown) => {
        if (ConnectError.from(error).code === Code.Aborted) return;
        options.logger.warn({ err: error, rpc: handler.requestPath }, 'rpc answer failed');
        if (!response.headersSent) response.writeHead(500).end();
        else response.destroy();
      });
  };
}

/**
 * The request again (its body read once, up to `maxBytes`) if its binary message parses or it is not binary; else
 * the INVALID_ARGUMENT answer in the request's own protocol.
 */
async function checkBinaryMessage(
  request: UniversalServerRequest,
  input: DescMessage,
  maxBytes: number,
): Promise<{ request: UniversalServerRequest } | { refusal: UniversalServerResponse }> {
  const contentType = (request.header.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const framing = binaryFraming[contentType];
  if (!framing || !(Symbol.asyncIterator in Object(request.body))) return { request };
  let bytes: Uint8Array;
  try {
    bytes = await readAllBytes(request.body as AsyncIterable<Uint8Array>, maxBytes);
  } catch {
    // Over the limit (or the body broke off): the protocol handler answers that in its own way.
    return { request };
  }
  const problem = framing === 'unary' ? parseProblem(input, bytes) : envelopeProblem(input, bytes);
  if (!problem) return { request: { ...request, body: createAsyncIterable([bytes]) } };
  const message = boundedMessage(`request: not a valid ${input.typeName} message (${problem})`);
  return { refusal: refusalIn(framing, contentType, message) };
}

function parseProblem(input: DescMessage, bytes: Uint8Array): string | undefined {
  try {
    fromBinary(input, bytes);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Checks each uncompressed message of an enveloped body (flags byte, 4-byte length, message). */
function envelopeProblem(input: DescMessage, bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 5 > bytes.length) return 'truncated message envelope';
    const flags = bytes[offset]!;
    const length = view.getUint32(offset + 1);
    if (offset + 5 + length > bytes.length) return 'message envelope longer than the body';
    const compressed = (flags & 0x01) !== 0;
    const endOfStream = (flags & 0x02) !== 0;
    if (!compressed && !endOfStream) {
      const problem = parseProblem(input, bytes.subarray(offset + 5, offset + 5 + length));
      if (problem) return problem;
    }
    offset += 5 + length;
  }
  return undefined;
}

function refusalIn(framing: 'unary' | 'grpc' | 'connect-stream', contentType: string, message: string): UniversalServerResponse {
  if (framing === 'grpc') {
    // A trailers-only answer: the status travels in the headers, for gRPC and gRPC-Web alike.
    return {
      status: 200,
      header: new Headers({ 'content-type': contentType, 'grpc-status': '3', 'grpc-message': percentEncodeMinimal(message) }),
    };
  }
  const error = { code: 'invalid_argument', message };
  if (framing === 'unary') {
    return {
      status: 400,
      header: new Headers({ 'content-type': 'application/json' }),
      body: createAsyncIterable([new TextEncoder().encode(JSON.stringify(error))]),
    };
  }
  const endStream = new TextEncoder().encode(JSON.stringify({ error }));
  const frame = new Uint8Array(5 + endStream.length);
  frame[0] = 0x02;
  new DataView(frame.buffer).setUint32(1, endStream.length);
  frame.set(endStream, 5);
  return { status: 200, header: new Headers({ 'content-type': contentType }), body: createAsyncIterable([frame]) };
}
