import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../services/shared/repo-root.js';

/** Lines of a benchmark's results: printed as they come, appended to docs/benchmarks.md at the end. */
export class BenchReport {
  private readonly lines: string[] = [];

  line(text: string): void {
    console.log(text);
    this.lines.push(text);
  }

  /** Says on the console (only) what is being measured now. */
  progress(text: string): void {
    console.log(`  … ${text}`);
  }

  appendToDocs(): void {
    appendFileSync(join(repoRoot(), 'docs', 'benchmarks.md'), `${this.lines.join('\n')}\n`);
    console.log('\nappended to docs/benchmarks.md');
  }
}
