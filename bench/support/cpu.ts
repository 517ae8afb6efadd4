import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../services/shared/repo-root.js';

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (ms, user + system) a process has used so far, or undefined if it is gone. */
function cpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The local Cassandra node's process, if this checkout's scripts started it. */
export function localCassandraPid(): number | undefined {
  const pidFile = join(repoRoot(), '.local', 'cassandra', 'cassandra.pid');
  return existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
}

/**
 * Measures how many cores each named process used over a phase: `start()` before it, `stop()` after, from the CPU
 * times Linux keeps per process, so the load generator's own share shows too.
 */
export class CpuMeter {
  private started?: { at: number; cpu: Map<string, number | undefined> };

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  start(): void {
    this.started = { at: performance.now(), cpu: this.sample() };
  }

  /** Cores used per process since `start()`; undefined for a process not found (a Cassandra this checkout did not start). */
  stop(): Map<string, number | undefined> {
    const { at, cpu } = this.started!;
    const seconds = (performance.now() - at) / 1000;
    const cores = new Map<string, number | undefined>();
    for (const [name, ms] of this.sample()) {
      const before = cpu.get(name);
      cores.set(name, ms === undefined || before === undefined ? undefined : (ms - before) / 1000 / seconds);
    }
    return cores;
  }

  private sample(): Map<string, number | undefined> {
    return new Map(Object.entries(this.pids()).map(([name, pid]) => [name, pid === undefined ? undefined : cpuMs(pid)]));
  }
}

/** Cores per process as `gateway 0.42 · session 0.31 · …`, `?` where a process was not found. */
export function describeCores(cores: Map<string, number | undefined>): string {
  return [...cores].map(([name, used]) => `${name} ${used === undefined ? '?' : used.toFixed(2)}`).join(' · ');
}
