// npm run bench [-- --quick] — every benchmark in sequence, each on a stack of its own, then one table of the headline
// figures against their targets (bench/targets.ts). A full run appends each benchmark's tables and the headline table
// to docs/benchmarks.md; `--quick` runs short phases and a small Connect-4 file (CI-sized, a few minutes) and only
// prints. Exits non-zero when a benchmark fails to run, not when a target is missed: the table says which.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../services/shared/repo-root.js';
import { describeMachine } from './support/machine.js';
import { BenchReport, headlinesFile } from './support/report.js';
import { headlines } from './targets.js';

const quick = process.argv.includes('--quick');
const quickEnv = (env: Record<string, string>) => (quick ? { ...env, BENCH_APPEND_DOCS: '0' } : {});
const benchmarks: Array<{ script: string; env: Record<string, string> }> = [
  { script: 'write-cpu', env: quickEnv({ BENCH_SECONDS: '6' }) },
  { script: 'reactions', env: quickEnv({ BENCH_SECONDS: '3' }) },
  { script: 'sessions', env: quickEnv({ BENCH_SECONDS: '3' }) },
  { script: 'modes', env: quickEnv({ BENCH_SECONDS: '3' }) },
  { script: 'connect4', env: quickEnv({ BENCH_SECONDS: '3', BENCH_GAMES: '20000' }) },
  { script: 'scaling', env: quickEnv({ BENCH_SECONDS: '3' }) },
];

rmSync(headlinesFile(), { force: true });
const started = performance.now();
const failed: string[] = [];
for (const [i, { script, env }] of benchmarks.entries()) {
  console.log(`\n==== [${i + 1}/${benchmarks.length}] bench/${script}${quick ? ' (quick)' : ''}`);
  const run = spawnSync(process.execPath, [join(repoRoot(), 'dist', 'bench', `${script}.js`)], {
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  if (run.status !== 0) failed.push(`${script} (${run.signal ?? `exit ${run.status}`})`);
}

const figures = new Map<string, number>();
if (existsSync(headlinesFile())) {
  for (const line of readFileSync(headlinesFile(), 'utf8').trim().split('\n')) {
    const { name, value } = JSON.parse(line) as { name: string; value: number | null };
    figures.set(name, value ?? NaN);
  }
}
const format = (value: number | undefined, unit: string) => {
  if (value === undefined) return 'not run';
  if (Number.isNaN(value)) return 'errors';
  if (unit === 'share') return value.toFixed(2);
  if (unit === 'requests/s') return `${value.toLocaleString('en')} /s`;
  return `${value.toFixed(1)} ${unit}`;
};
const report = new BenchReport();
report.line(`\n### Headline figures${quick ? ' (quick run)' : ''} — ${new Date().toISOString().slice(0, 10)}, ${describeMachine()}\n`);
report.line('| figure | measured | target | met? |');
report.line('|---|---|---|---|');
for (const { name, describe, unit, target } of headlines) {
  const value = figures.get(name);
  const met = target === undefined ? '' : value === undefined || Number.isNaN(value) ? 'no' : target.met(value) ? 'yes' : 'no';
  report.line(`| ${describe} | ${format(value, unit)} | ${target?.text ?? ''} | ${met} |`);
}
report.line(
  `\n${benchmarks.length} benchmarks in ${((performance.now() - started) / 60_000).toFixed(1)} min${failed.length ? `; failed: ${failed.join(', ')}` : ''}.`,
);
if (!quick) report.appendToDocs();
if (failed.length > 0) process.exit(1);
