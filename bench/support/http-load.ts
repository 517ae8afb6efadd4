import { Agent, request } from 'node:http';

/** A keep-alive HTTP client for load: one request, resolved with the status once the body is read. */
export class HttpLoad {
  private readonly agent: Agent;

  constructor(
    private readonly host: string,
    private readonly port: number,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  send(method: 'GET' | 'POST', path: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, method, path, agent: this.agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
