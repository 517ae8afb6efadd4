import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { quoted } from '../shared/quote.js';
import { BadRequest, type HttpErrorAnswer } from './http-errors.js';
import { closeAfterAnswer } from './lingering-close.js';

/** A plain HTTP route (not an RPC): `/healthz` and the original systems' compatibility paths. */
export interface PlainRoute {
  method: string;
  /** Matched against the path (without the query string); named groups become `params`. */
  path: RegExp;
  /**
   * A bulk upload streamed as it arrives: it may take longer than the time for a request (GatewayConfig
   * requestTimeoutMs) as long as its bytes keep coming (idleTimeoutMs between them).
   */
  streamsBody?: boolean;
  /** Served without an API key whatever the mode: the gateway's own health. */
  open?: boolean;
  /**
   * `signal` aborts when the caller goes away before its answer: the backend calls made for this caller alone pass it
   * on (not those whose answer other callers share, such as a cached read). `game` is the game the call acts for
   * (its key's, or the default game): every backend call and every shared answer is that game's.
   */
  handle(
    request: IncomingMessage,
    response: ServerResponse,
    params: Record<string, string>,
    signal: AbortSignal,
    game: string,
  ): void | Promise<void>;
}

/** Finds the route for a request, or reports whether the path exists with another method (for a 405). */
export function matchRoute(
  routes: readonly PlainRoute[],
  method: string,
  pathname: string,
): { route: PlainRoute; params: Record<string, string> } | 'method-not-allowed' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.path.exec(pathname);
    if (!match) continue;
    pathMatched = true;
    if (route.method === method) return { route, params: decodeParams(match.groups ?? {}) };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

function decodeParams(groups: Record<string, string | undefined>): Record<string, string> {
  // An optional group that did not take part in the match is left out.
  const present = Object.entries(groups).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return Object.fromEntries(present.map(([key, value]) => [key, decodePathParam(key, value)]));
}

function decodePathParam(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new BadRequest(`${name}: malformed percent-escape in the path, got ${quoted(value)}`);
  }
}

/** The request's query string parameters. */
export function queryOf(request: IncomingMessage): URLSearchParams {
  return new URL(request.url ?? '/', 'http://gateway').searchParams;
}

export function sendJson(response: ServerResponse, statusCode: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  sendJsonText(response, statusCode, JSON.stringify(body), headers);
}

/** Sends JSON serialized already (a cached answer is serialized once, not per request). */
export function sendJsonText(response: ServerResponse, statusCode: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  response.writeHead(statusCode, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendText(response: ServerResponse, statusCode: number, body: string, headers: OutgoingHttpHeaders = {}): void {
  response.writeHead(statusCode, { ...headers, 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/**
 * Readies `response` for an error answer and returns its headers: Retry-After on a 503; after a 413 (refused before
 * its body was read) the connection closes cleanly.
 */
export function prepareErrorAnswer(answer: HttpErrorAnswer, response: ServerResponse): OutgoingHttpHeaders {
  if (answer.status === 413) closeAfterAnswer(response);
  return answer.retryAfterSeconds !== undefined ? { 'retry-after': String(answer.retryAfterSeconds) } : {};
}
