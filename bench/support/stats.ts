/** Latency samples (ms) of one measured phase. */
export class Latencies {
  private readonly samples: number[] = [];
  /** How many tasks failed, by error message (an HTTP status, a gRPC code): a figure with errors says which. */
  private readonly failures = new Map<string, number>();

  add(ms: number): void {
    this.samples.push(ms);
  }

  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.failures.set(message, (this.failures.get(message) ?? 0) + 1);
  }

  get errors(): number {
    return [...this.failures.values()].reduce((sum, n) => sum + n, 0);
  }

  /** The errors, as `n` or `n (3 × HTTP 503, 1 × …)`. */
  describeErrors(): string {
    if (this.failures.size === 0) return '0';
    return `${this.errors} (${[...this.failures].map(([message, n]) => `${n} × ${message.slice(0, 60)}`).join(', ')})`;
  }

  get count(): number {
    return this.samples.length;
  }

  percentile(p: number): number {
    if (this.samples.length === 0) return NaN;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  }

  summary(): string {
    const f = (p: number) => this.percentile(p).toFixed(1);
    return `p50 ${f(50)} ms, p90 ${f(90)} ms, p99 ${f(99)} ms (${this.count} samples, ${this.describeErrors()} errors)`;
  }
}

/** Runs `task` with `concurrency` callers back to back for `seconds`; returns completions per second. */
export async function closedLoop(
  seconds: number,
  concurrency: number,
  task: () => Promise<void>,
  latencies = new Latencies(),
): Promise<{ perSecond: number; latencies: Latencies }> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await task();
        latencies.add(performance.now() - started);
        done++;
      } catch (error) {
        latencies.fail(error);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: done / ((performance.now() - started) / 1000), latencies };
}

/**
 * Starts `task` at a fixed rate for `seconds`, whether or not earlier ones finished (an open loop). Latency counts
 * from when a task was due, so a generator that falls behind shows as latency rather than hiding it.
 */
export async function openLoop(
  seconds: number,
  perSecond: number,
  task: (dueAt: number) => Promise<void>,
  latencies = new Latencies(),
): Promise<Latencies> {
  const interval = 1000 / perSecond;
  const total = Math.floor(seconds * perSecond);
  const started = performance.now();
  const running: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(
      task(due).then(
        () => latencies.add(performance.now() - due),
        (error) => latencies.fail(error),
      ),
    );
  }
  await Promise.all(running);
  return latencies;
}
