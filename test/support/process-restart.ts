import type { ServiceProcess } from '../../scripts/launcher.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGKILLs a supervised process and resolves, with the milliseconds it took, once the launcher has restarted it. */
export async function killAndAwaitRestart(process: ServiceProcess): Promise<number> {
  const restartsBefore = process.restarts;
  const pidBefore = process.pid;
  const killedAt = Date.now();
  process.signal('SIGKILL');
  while (process.restarts === restartsBefore || process.pid === pidBefore) {
    if (Date.now() - killedAt > 30_000) throw new Error('not restarted within 30 s');
    await sleep(50);
  }
  return Date.now() - killedAt;
}
