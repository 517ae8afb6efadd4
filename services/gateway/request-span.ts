import type { Context } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { endSpan, extractTraceContext, SpanKind, startSpan, tracingEnabled } from '../shared/tracing.js';

/**
 * The span of one gateway request (a child of the caller's trace when it sent `traceparent`), ended when its answer
 * ends; what the request does runs with it active. Undefined when tracing is off.
 */
export function requestSpan(request: IncomingMessage, response: ServerResponse): Context | undefined {
  if (!tracingEnabled()) return undefined;
  const path = (request.url ?? '/').split('?')[0];
  const header = (key: string) => {
    const value = request.headers[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const traced = startSpan(
    `${request.method ?? 'GET'} ${path.slice(0, 100)}`,
    SpanKind.SERVER,
    { 'http.request.method': request.method ?? 'GET', 'url.path': path.slice(0, 200) },
    extractTraceContext(header),
  );
  if (!traced) return undefined;
  response.once('close', () => {
    traced.span.setAttribute('http.response.status_code', response.statusCode);
    endSpan(traced.span, response.statusCode >= 500 ? new Error(`HTTP ${response.statusCode}`) : undefined);
  });
  return traced.context;
}
