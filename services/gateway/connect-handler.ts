import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { Code, ConnectError, createConnectRouter, createContextKey, createContextValues, type ConnectRouter } from '@connectrpc/connect';
import { createAsyncIterable, readAllBytes, type UniversalServerRequest, type UniversalServerResponse } from '@connectrpc/connect/protocol';
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from '@connectrpc/connect-node';
import type { AdmissionDecision } from './admission.js';
import type { Caller } from '../shared/access/caller.js';
import type { Logger } from '../shared/logger.js';
import { boundedMessage } from '../shared/quote.js';
import { percentEncodeMinimal } from './grpc-message-encoding.js';
import { closeAfterAnswer } from './lingering-close.js';

type NodeRequest = IncomingMessage | Http2ServerRequest;
type NodeResponse = ServerResponse | Http2ServerResponse;

type Framing = 'unary' | 'grpc' | 'connect-stream';

/** How a request of each content type frames its message, and whether the message is binary protobuf. */
const framingOf: Record<string, { framing: Framing; binary: boolean }> = {
  'application/json': { framing: 'unary', binary: false },
  'application/proto': { framing: 'unary', binary: true },
  'application/grpc': { framing: 'grpc', binary: true },
  'application/grpc+proto': { framing: 'grpc', binary: true },
  'application/grpc+json': { framing: 'grpc', binary: false },
  'application/grpc-web': { framing: 'grpc', binary: true },
  'application/grpc-web+proto': { framing: 'grpc', binary: true },
  'application/grpc-web+json': { framing: 'grpc', binary: false },
  'application/connect+proto': { framing: 'connect-stream', binary: true },
  'application/connect+json': { framing: 'connect-stream', binary: false },
};

/** Each refusal: its HTTP status, gRPC status and Connect code. */
const refusalCodes = {
  invalid_argument: { http: 400, grpc: '3', code: 'invalid_argument' },
  too_large: { http: 413, grpc: '8', code: 'resource_exhausted' },
  unauthenticated: { http: 401, grpc: '16', code: 'unauthenticated' },
  permission_denied: { http: 403, grpc: '7', code: 'permission_denied' },
  rate_limited: { http: 429, grpc: '8', code: 'resource_exhausted' },
  unavailable: { http: 503, grpc: '14', code: 'unavailable' },
} as const;

/** Where a handler finds the caller the gateway verified (undefined when no key was needed). */
export const callerKey = createContextKey<Caller | undefined>(undefined, { description: 'the verified caller' });

/**
 * The Connect router as a Node request handler (Connect, gRPC-Web and gRPC on one path per RPC), like
 * connect-node's adapter but with three checks first, each answered in the request's own protocol:
 * - the caller's API key (`authorize`): 401 / UNAUTHENTICATED or 403 / PERMISSION_DENIED before the body is read; the
 *   caller it verified reaches the handler as `callerKey`;
 * - a body over `readMaxBytes` is refused with 413 / RESOURCE_EXHAUSTED as soon as it is over, and an HTTP/1.1
 *   connection then closes cleanly (the rest of the body would otherwise be read as the next request);
 * - a binary request message that does not parse, or an enveloped one flagged compressed that does not inflate, is
 *   the caller's mistake: 400 / INVALID_ARGUMENT (connect-es reports both as INTERNAL, 500, as if they were ours).
 */
export function connectHandler(options: {
  routes: (router: ConnectRouter) => void;
  readMaxBytes: number;
  logger: Logger;
  /** Whether a call of the RPC at `path` may go on: its rate limits and API key (admission.ts). */
  admit: (path: string, request: NodeRequest) => Promise<AdmissionDecision>;
}): (request: NodeRequest, response: NodeResponse) => void {
  const router = createConnectRouter({ readMaxBytes: options.readMaxBytes, acceptCompression: [compressionGzip, compressionBrotli] });
  options.routes(router);
  const handlers = new Map(router.handlers.map((handler) => [handler.requestPath, handler]));
  return (request, response) => {
    const handler = handlers.get((request.url ?? '').split('?')[0]);
    if (!handler) {
      response.writeHead(404).end();
      return;
    }
    const universal = universalRequestFromNodeRequest(request, response, undefined, undefined);
    const framing = framingOf[mediaTypeOf(universal)]?.framing ?? 'unary';
    options
      .admit(handler.requestPath, request)
      .then((decision) =>
        'refused' in decision
          ? refusalIn(framing, mediaTypeOf(universal), decision.refused, decision.message, retryAfterOf(decision))
          : checkRequest(universal, handler.method.input, options.readMaxBytes, () => closeAfterAnswer(response as ServerResponse)).then(
              (checked) =>
                'refusal' in checked
                  ? checked.refusal
                  : handler({ ...checked.request, contextValues: createContextValues().set(callerKey, decision.caller) }),
            ),
      )
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
 * The request again (its body read once, up to `maxBytes`) if it is within the limit and its binary message parses
 * (or it is not binary); else the refusal in the request's own protocol.
 */
async function checkRequest(
  request: UniversalServerRequest,
  input: DescMessage,
  maxBytes: number,
  onTooLarge: () => void,
): Promise<{ request: UniversalServerRequest } | { refusal: UniversalServerResponse }> {
  const contentType = mediaTypeOf(request);
  const format = framingOf[contentType];
  if (!format || !(Symbol.asyncIterator in Object(request.body))) return { request };
  let bytes: Uint8Array;
  try {
    bytes = await readAllBytes(request.body as AsyncIterable<Uint8Array>, maxBytes);
  } catch (error) {
    if (ConnectError.from(error).code !== Code.ResourceExhausted) throw error;
    onTooLarge();
    return { refusal: refusalIn(format.framing, contentType, 'too_large', `body: larger than ${maxBytes} bytes`) };
  }
  const encodingHeader = format.framing === 'grpc' ? 'grpc-encoding' : 'connect-content-encoding';
  const encoding = request.header.get(encodingHeader)?.trim().toLowerCase() ?? 'identity';
  // A unary JSON body is left to connect-es, which answers a bad one with a 400 of its own; only enveloped JSON
  // needs the check (its error travels in a gRPC trailer).
  const parse = format.binary
    ? (message: Uint8Array) => parseProblem(input, message)
    : format.framing === 'unary'
      ? noProblem
      : jsonProblem;
  const problem = format.framing === 'unary' ? parse(bytes) : envelopeProblem(bytes, parse, { encodingHeader, encoding, maxBytes });
  if (!problem) return { request: { ...request, body: createAsyncIterable([bytes]) } };
  const message = boundedMessage(`request: not a valid ${input.typeName} message (${problem})`);
  return { refusal: refusalIn(format.framing, contentType, 'invalid_argument', message) };
}

function mediaTypeOf(request: UniversalServerRequest): string {
  return (request.header.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

function parseProblem(input: DescMessage, bytes: Uint8Array): string | undefined {
  try {
    fromBinary(input, bytes);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const noProblem = () => undefined;

/**
 * Whether a JSON message is JSON at all (connect-es checks it against the schema). Its own parse error quotes the
 * body, possibly cut inside a surrogate pair, which its gRPC trailer encoding then fails on (a 500).
 */
function jsonProblem(message: Uint8Array): string | undefined {
  try {
    JSON.parse(new TextDecoder().decode(message));
    return undefined;
  } catch {
    return 'not valid JSON';
  }
}

/** Inflaters of the message encodings the router accepts, each bounded by the body cap. */
const inflaters: Record<string, (bytes: Uint8Array, maxOutputLength: number) => Uint8Array> = {
  gzip: (bytes, maxOutputLength) => gunzipSync(bytes, { maxOutputLength }),
  br: (bytes, maxOutputLength) => brotliDecompressSync(bytes, { maxOutputLength }),
};

/** Checks each message of an enveloped body (flags byte, 4-byte length, message), inflating compressed ones. */
function envelopeProblem(
  bytes: Uint8Array,
  parse: (message: Uint8Array) => string | undefined,
  compression: { encodingHeader: string; encoding: string; maxBytes: number },
): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 5 > bytes.length) return 'truncated message envelope';
    const flags = bytes[offset];
    const length = view.getUint32(offset + 1);
    if (offset + 5 + length > bytes.length) return 'message envelope longer than the body';
    const compressed = (flags & 0x01) !== 0;
    const endOfStream = (flags & 0x02) !== 0;
    if (!endOfStream) {
      const message = bytes.subarray(offset + 5, offset + 5 + length);
      const inflate = inflaters[compression.encoding];
      if (compressed && compression.encoding === 'identity') return `message marked compressed without ${compression.encodingHeader}`;
      // An encoding the router does not accept is answered by the router itself (UNIMPLEMENTED).
      if (compressed && !inflate) return undefined;
      let plain = message;
      if (compressed) {
        try {
          plain = inflate(message, compression.maxBytes);
        } catch {
          return `message does not inflate as ${compression.encoding} within ${compression.maxBytes} bytes`;
        }
      }
      const problem = parse(plain);
      if (problem) return problem;
    }
    offset += 5 + length;
  }
  return undefined;
}

const retryAfterOf = (decision: AdmissionDecision) =>
  'retryAfterSeconds' in decision ? { 'retry-after': String(decision.retryAfterSeconds) } : undefined;

function refusalIn(
  framing: Framing,
  contentType: string,
  refusal: keyof typeof refusalCodes,
  message: string,
  extraHeaders: Record<string, string> = {},
): UniversalServerResponse {
  const { http, grpc, code } = refusalCodes[refusal];
  if (framing === 'grpc') {
    const status = { 'grpc-status': grpc, 'grpc-message': percentEncodeMinimal(message) };
    // gRPC-Web reads a trailers-only answer from the headers; gRPC clients on HTTP/2 (grpc-js among them) wait for
    // a trailing HEADERS frame and report a stream that ends without one as INTERNAL.
    return contentType.startsWith('application/grpc-web')
      ? { status: 200, header: new Headers({ 'content-type': contentType, ...extraHeaders, ...status }) }
      : { status: 200, header: new Headers({ 'content-type': contentType, ...extraHeaders }), trailer: new Headers(status) };
  }
  const error = { code, message };
  if (framing === 'unary') {
    return {
      status: http,
      header: new Headers({ 'content-type': 'application/json', ...extraHeaders }),
      body: createAsyncIterable([new TextEncoder().encode(JSON.stringify(error))]),
    };
  }
  const endStream = new TextEncoder().encode(JSON.stringify({ error }));
  const frame = new Uint8Array(5 + endStream.length);
  frame[0] = 0x02;
  new DataView(frame.buffer).setUint32(1, endStream.length);
  frame.set(endStream, 5);
  return { status: 200, header: new Headers({ 'content-type': contentType, ...extraHeaders }), body: createAsyncIterable([frame]) };
}
