/** Counts of an import run, and how it reports them. */
export class ImportTally {
  lines = 0;
  accepted = 0;
  duplicates = 0;
  rejected = 0;
  private readonly reasons = new Map<string, number>();
  private readonly started = Date.now();

  /** Counts a rejection under its rule, without the offending value, so that like reasons add up. */
  reject(reason: string): void {
    this.rejected++;
    const rule = reason.replace(/, got .*$/, '');
    this.reasons.set(rule, (this.reasons.get(rule) ?? 0) + 1);
  }

  get events(): number {
    return this.accepted + this.duplicates + this.rejected;
  }

  progressLine(): string {
    const seconds = (Date.now() - this.started) / 1000;
    return (
      `${this.lines.toLocaleString()} lines, ${Math.round(this.events / seconds).toLocaleString()} events/s — ` +
      `accepted ${this.accepted.toLocaleString()}, duplicate ${this.duplicates.toLocaleString()}, ` +
      `rejected ${this.rejected.toLocaleString()}`
    );
  }

  topReasons(count = 5): Array<[string, number]> {
    return [...this.reasons].sort((a, b) => b[1] - a[1]).slice(0, count);
  }

  summary(): string {
    const seconds = (Date.now() - this.started) / 1000;
    const lines = [
      `done in ${seconds.toFixed(1)} s: ${this.progressLine()}`,
      ...(this.rejected ? ['top reject reasons:'] : []),
      ...this.topReasons().map(([reason, n]) => `  ${n.toLocaleString().padStart(10)}  ${reason}`),
    ];
    return lines.join('\n');
  }
}
