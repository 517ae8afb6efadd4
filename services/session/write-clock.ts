/**
 * Cassandra write times (µs) for one process: wall-clock microseconds, strictly increasing, so two writes of this
 * process never tie and a write taken later always wins over an earlier one.
 */
export class WriteClock {
  private last = 0;

  next(): number {
    const nowUs = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    this.last = Math.max(nowUs, this.last + 1);
    return this.last;
  }
}
