import { after, latest, micros, preciseNow, type Micros } from '../shared/time.js';

/**
 * Cassandra write times (µs) for one process: wall-clock microseconds, strictly increasing, so two writes of this
 * process never tie and a write taken later always wins over an earlier one.
 */
export class WriteClock {
  private last = micros(0);

  next(): Micros {
    this.last = latest(preciseNow(), after(this.last, micros(1)));
    return this.last;
  }
}
