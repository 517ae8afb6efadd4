/** Latency samples (ms) of one measured phase. */
export class Latencies {
  private readonly samples: number[] = [];
  errors = 0;

  add(ms: number): void {
    this.samples.push(ms);
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
    return `p50 ${f(50)} ms, p90 ${f(90)} ms, p99 ${f(99)} ms (${this.count} samples, ${this.errors} errors)`;
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
      } catch {
        latencies.errors++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: done / ((performance.now() - started) / 1000), latencies };
}

/** Starts `task` at a fixed rate for `seconds`, whether or not earlier ones finished (an open loop). */
export async function openLoop(
  seconds: number,
  perSecond: number,
  task: () => Promise<void>,
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
    const sent = performance.now();
    running.push(
      task().then(
        () => latencies.add(performance.now() - sent),
        () => void latencies.errors++,
      ),
    );
  }
  await Promise.all(running);
  return latencies;
}
