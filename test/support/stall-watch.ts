/**
 * Notices when this test process itself stops running (a long GC, a machine that stalls every process): a request
 * timed across such a pause looks slow without any server being slow, so latency rules subtract the pause.
 */
export interface StallWatch {
  /** How many ms of the interval [fromMs, toMs] (Date.now() values) this process was not running. */
  pausedMs(fromMs: number, toMs: number): number;
  /** The longest pause seen. */
  longestMs(): number;
  stop(): void;
}

const TICK_MS = 50;
/** A tick this much later than due counts as a pause (ordinary event-loop delay under load stays below it). */
const PAUSE_THRESHOLD_MS = 250;

export function watchForStalls(): StallWatch {
  const pauses: Array<{ from: number; to: number }> = [];
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - last > TICK_MS + PAUSE_THRESHOLD_MS) pauses.push({ from: last + TICK_MS, to: now });
    last = now;
  }, TICK_MS);
  return {
    pausedMs: (fromMs, toMs) =>
      pauses.reduce((total, pause) => total + Math.max(0, Math.min(toMs, pause.to) - Math.max(fromMs, pause.from)), 0),
    longestMs: () => pauses.reduce((longest, pause) => Math.max(longest, pause.to - pause.from), 0),
    stop: () => clearInterval(timer),
  };
}
