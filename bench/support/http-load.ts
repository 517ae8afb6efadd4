import { Agent, request } from 'node:http';

/** A keep-alive HTTP client for load: one request, resolved once the answer's body is read. */
export class HttpLoad {
  private readonly agent: Agent;

  constructor(
    private readonly host: string,
    private readonly port: number,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  /** The answer's status; a body, if given, is sent as JSON. */
  async send(method: 'GET' | 'POST', path: string, body?: string): Promise<number> {
    return (await this.exchange(method, path, body)).status;
  }

  /** The body of a GET's answer. */
  async get(path: string): Promise<string> {
    return (await this.exchange('GET', path)).body;
  }

  private exchange(method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = request({ host: this.host, port: this.port, method, path, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
