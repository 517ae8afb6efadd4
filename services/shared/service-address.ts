import { isIP } from 'node:net';

/**
 * How a client between services reaches every replica of a service from one address, spreading its calls over them
 * round-robin (grpc-js `round_robin`: a connection to each replica, the next call to the next ready one):
 * - `host:port` — every address the name resolves to (a Kubernetes headless Service's pods, compose's replicas of a
 *   service), resolved again whenever a connection to one of them breaks, at most every 5 s;
 * - `ip:port,ip:port,…` — those replicas (a local list, e.g. three processes on three ports).
 * Returns the grpc-js target for it, or throws naming what is wrong.
 */
export function grpcTarget(address: string): string {
  const replicas = address.split(',').map((replica) => replica.trim());
  if (replicas.length === 1) return address;
  for (const replica of replicas) {
    const separator = replica.lastIndexOf(':');
    const port = Number(replica.slice(separator + 1));
    if (separator < 1 || isIP(replica.slice(0, separator)) !== 4 || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(`"${address.slice(0, 200)}": a list of replicas must be IPv4 ip:port entries, got "${replica.slice(0, 60)}"`);
    }
  }
  return `ipv4:${replicas.join(',')}`;
}

/** Channel options of every client between services: round-robin over the replicas, names resolved anew often. */
export const BALANCED_CHANNEL_OPTIONS = {
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  'grpc.dns_min_time_between_resolutions_ms': 5000,
};
