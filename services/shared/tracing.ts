import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export { SpanKind };

/**
 * OpenTelemetry traces across the hops (gateway route or RPC, ingest, each owner call, each Cassandra statement,
 * each Redis call), joined by W3C trace context (`traceparent`). Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set
 * (then spans go out by OTLP over HTTP) or `OTEL_TRACES_EXPORTER=console` (printed on stdout, to look at one request
 * by hand); sampled by `OTEL_TRACES_SAMPLER_ARG`, a ratio, default 1, parent-based;
 * while off, every helper here runs its work directly: no span, no context, no cost beyond one boolean test.
 */
let provider: NodeTracerProvider | undefined;
const tracer = trace.getTracer('gamepulse');

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Starts tracing for this process as the environment says; returns how to flush and stop it, or undefined if off. */
export function startTracingFromEnv(serviceName: string, env: NodeJS.ProcessEnv = process.env): (() => Promise<void>) | undefined {
  const exporter =
    env.OTEL_TRACES_EXPORTER === 'console'
      ? new ConsoleSpanExporter()
      : env.OTEL_EXPORTER_OTLP_ENDPOINT && env.OTEL_TRACES_EXPORTER !== 'none'
        ? new OTLPTraceExporter()
        : undefined;
  if (!exporter) return undefined;
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  return startTracing(serviceName, exporter, Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1);
}

/** Starts tracing into `exporter` (tests pass an in-memory one); returns how to flush and stop it. */
export function startTracing(serviceName: string, exporter: SpanExporter, sampleRatio = 1): () => Promise<void> {
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 })],
  });
  provider.register();
  const started = provider;
  return async () => {
    await started.shutdown();
    if (provider === started) provider = undefined;
    trace.disable();
    context.disable();
    propagation.disable();
  };
}

/**
 * Runs `work` in a span, a child of the active one, which becomes the active span for everything `work` starts; ends
 * it when `work` settles, with an error status if it threw. Without tracing, just runs `work`.
 */
export function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!provider) return work(undefined);
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    let failure: unknown;
    try {
      return await work(span);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      endSpan(span, failure);
    }
  });
}

/**
 * inSpan for the calls to storage: a span only inside a trace. Background work (the storage health check every 2 s,
 * the gateway's check of held rankings every 100 ms) would otherwise start a trace of its own at every tick.
 */
export function inChildSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  if (!provider || !trace.getActiveSpan()) return work();
  return inSpan(name, kind, attributes, work);
}

/** Starts a span that the caller ends (for work that is not one promise, like a gRPC middleware step). */
export function startSpan(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  parent?: Context,
): { span: Span; context: Context } | undefined {
  if (!provider) return undefined;
  const base = parent ?? context.active();
  const span = tracer.startSpan(name, { kind, attributes }, base);
  return { span, context: trace.setSpan(base, span) };
}

/** Ends a span started by startSpan, with an error status if `error` is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
  }
  span.end();
}

/** Runs `work` with `traceContext` active (so spans it starts are its children); without one, just runs it. */
export function withTraceContext<T>(traceContext: Context | undefined, work: () => T): T {
  return traceContext ? context.with(traceContext, work) : work();
}

/** The trace context a caller sent in headers or metadata (`traceparent`, `tracestate`). */
export function extractTraceContext(read: (key: string) => string | undefined): Context | undefined {
  if (!provider) return undefined;
  const carrier: Record<string, string> = {};
  for (const key of ['traceparent', 'tracestate']) {
    const value = read(key);
    if (value) carrier[key] = value;
  }
  return propagation.extract(context.active(), carrier);
}

/** Writes the active (or given) trace context for the next hop: `traceparent` and `tracestate`. */
export function injectTraceContext(write: (key: string, value: string) => void, from?: Context): void {
  if (!provider) return;
  const carrier: Record<string, string> = {};
  propagation.inject(from ?? context.active(), carrier);
  for (const [key, value] of Object.entries(carrier)) write(key, value);
}

/** The active trace and span ids, for log lines; empty without tracing or outside a trace. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  if (!provider) return {};
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}
