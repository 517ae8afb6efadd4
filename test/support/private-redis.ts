import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePorts } from './env.js';

/** A real redis-server of the test's own on a free port, so that a test can stop it without disturbing others. */
export class PrivateRedis {
  private constructor(
    readonly url: string,
    private readonly process: ChildProcess,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const [port] = await freePorts(1);
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const url = `redis://127.0.0.1:${port}`;
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {}); // refused until the server is up; the loop below retries
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch (error) {
        if (attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    probe.disconnect();
    return new PrivateRedis(url, child);
  }

  /** Keys stored right now. */
  async keys(pattern = '*'): Promise<string[]> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 0 });
    try {
      return await client.keys(pattern);
    } finally {
      client.disconnect();
    }
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.process.once('exit', () => resolve());
      this.process.kill('SIGKILL');
    });
  }
}
