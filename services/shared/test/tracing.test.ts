import { describe, expect, it } from 'vitest';
import { inChildSpan, inSpan, SpanKind, startTracingFromEnv, tracingEnabled } from '../tracing.js';
import { trace } from '@opentelemetry/api';

describe('tracing from the environment', () => {
  it('stays off without an exporter, and then runs work with no span', async () => {
    expect(startTracingFromEnv('test', {})).toBeUndefined();
    expect(startTracingFromEnv('test', { OTEL_TRACES_SAMPLER_ARG: '0.5' })).toBeUndefined();
    expect(
      startTracingFromEnv('test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }),
    ).toBeUndefined();
    expect(tracingEnabled()).toBe(false);
    expect(await inSpan('work', SpanKind.INTERNAL, {}, async (span) => span)).toBeUndefined();
  });

  it('turns on with the console exporter or an OTLP endpoint, and off again when stopped', async () => {
    for (const env of [{ OTEL_TRACES_EXPORTER: 'console' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }]) {
      const stop = startTracingFromEnv('test', { ...env, OTEL_TRACES_SAMPLER_ARG: '0' });
      expect(stop, JSON.stringify(env)).toBeDefined();
      expect(tracingEnabled()).toBe(true);
      expect(await inSpan('work', SpanKind.INTERNAL, {}, async (span) => span?.spanContext().traceId)).toMatch(/^[0-9a-f]{32}$/);
      await stop!();
      expect(tracingEnabled()).toBe(false);
    }
  });

  it('gives storage calls a span only inside a trace, so background checks start no trace of their own', async () => {
    const stop = startTracingFromEnv('test', { OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER_ARG: '0' })!;
    try {
      const activeIn = () => inChildSpan('cassandra SELECT', SpanKind.CLIENT, {}, async () => trace.getActiveSpan()?.spanContext().spanId);
      expect(await activeIn()).toBeUndefined();
      const [outer, inner] = await inSpan('request', SpanKind.SERVER, {}, async (span) => [span!.spanContext().spanId, await activeIn()]);
      expect(inner).toMatch(/^[0-9a-f]{16}$/);
      expect(inner).not.toBe(outer);
    } finally {
      await stop();
    }
  });
});
