import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

  /** A figure `npm run bench` shows in its table of headline figures (see bench/targets.ts for the names). */
  headline(name: string, value: number): void {
    mkdirSync(dirname(headlinesFile()), { recursive: true });
    appendFileSync(headlinesFile(), `${JSON.stringify({ name, value })}\n`);
  }

  /** Appends the lines to docs/benchmarks.md, unless BENCH_APPEND_DOCS=0 (a quick run's figures are not kept). */
  appendToDocs(): void {
    if (process.env.BENCH_APPEND_DOCS === '0') return;
    appendFileSync(join(repoRoot(), 'docs', 'benchmarks.md'), `${this.lines.join('\n')}\n`);
    console.log('\nappended to docs/benchmarks.md');
  }
}

/** Where the benchmarks of one `npm run bench` leave their headline figures. */
export function headlinesFile(): string {
  return join(repoRoot(), '.local', 'bench', 'headlines.jsonl');
}
