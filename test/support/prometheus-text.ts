/** Fetches a process's `GET /metrics` (Prometheus' text format). */
export async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics on ${port} answered ${response.status}`);
  return response.text();
}

/**
 * The sum of a metric's samples whose labels include every one given (0 when none does): `sample(text,
 * 'grpc_server_handled_total', { grpc_code: 'OK' })`.
 */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.startsWith(`${name}{`) ? line.slice(name.length + 1, line.lastIndexOf('}')) : '';
    const present = new Map([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
