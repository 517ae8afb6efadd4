import type { IncomingMessage, ServerResponse } from 'node:http';

/** A plain HTTP route (not an RPC): `/healthz` and the original systems' compatibility paths. */
export interface PlainRoute {
  method: string;
  /** Matched against the path (without the query string); named groups become `params`. */
  path: RegExp;
  handle(request: IncomingMessage, response: ServerResponse, params: Record<string, string>): Promise<void>;
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

function decodeParams(groups: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(groups).map(([key, value]) => [key, decodeURIComponent(value)]));
}

/** The request's query string parameters. */
export function queryOf(request: IncomingMessage): URLSearchParams {
  return new URL(request.url ?? '/', 'http://gateway').searchParams;
}

export function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendText(response: ServerResponse, statusCode: number, body: string): void {
  response.writeHead(statusCode, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
