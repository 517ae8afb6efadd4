// Offline checks of the deployment manifests (no Docker engine or cluster runs here): the kind overlay renders with
// kustomize, and both it and docker-compose.yml run every process with the ports and addresses the config expects.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../services/shared/config.js';
import { repoRoot } from '../../services/shared/repo-root.js';

const root = repoRoot();
const config = loadConfig({});
const processes = { ...Object.fromEntries(Object.entries(config.services).map(([n, s]) => [n, s.port])), gateway: config.gateway.port };

/** The parts of the rendered Kubernetes objects these tests read (parsed YAML: not checked against a schema here). */
interface Container {
  env: Array<{ name: string; value: string }>;
  envFrom: unknown[];
  ports: Array<{ containerPort: number }>;
  imagePullPolicy: string;
  readinessProbe: { grpc?: unknown; httpGet?: unknown };
  livenessProbe: { grpc?: unknown; httpGet?: unknown };
}
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { template: { spec: { containers: Container[] } }; ports: Array<{ port: number }> };
  data?: Record<string, string>;
}

function renderKindOverlay(): Manifest[] {
  const yaml = execFileSync(join(root, '.local', 'bin', 'kustomize'), ['build', join(root, 'k8s', 'overlays', 'kind')], {
    encoding: 'utf8',
  });
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as Manifest);
}

describe('k8s kind overlay', () => {
  const manifests = renderKindOverlay();
  const named = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);

  it('puts everything in the gamepulse namespace', () => {
    for (const manifest of manifests.filter((m) => m.kind !== 'Namespace')) {
      expect(manifest.metadata.namespace, `${manifest.kind}/${manifest.metadata.name}`).toBe('gamepulse');
    }
  });

  it.each(Object.entries(processes))('runs %s on port %i with a Service and the shared Secret', (name, port) => {
    const deployment = named('Deployment', name)!;
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'SERVICE', value: name });
    expect(container.ports[0].containerPort).toBe(port);
    expect(container.imagePullPolicy).toBe('Never');
    expect(named('Service', name)!.spec.ports[0].port).toBe(port);
    expect(container.envFrom).toContainEqual({ secretRef: { name: expect.stringMatching(/^gamepulse-secrets/) } });
  });

  it.each(Object.entries(processes).filter(([name]) => name !== 'gateway'))(
    'probes %s natively over gRPC: readiness on the whole server, liveness on "liveness"',
    (name, port) => {
      const container = named('Deployment', name)!.spec.template.spec.containers[0];
      expect(container.readinessProbe.grpc).toEqual({ port });
      expect(container.livenessProbe.grpc).toEqual({ port, service: 'liveness' });
    },
  );

  it('probes the gateway over HTTP: readiness on /healthz, liveness on /livez', () => {
    const container = named('Deployment', 'gateway')!.spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: processes.gateway });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: processes.gateway });
  });

  it('generates the Secret the Deployments read: the page-token key and the service credential', () => {
    const secret = manifests.find((m) => m.kind === 'Secret' && m.metadata.name.startsWith('gamepulse-secrets'));
    expect(Object.keys(secret?.data ?? {}).sort()).toEqual(['GAMEPULSE_SERVICE_CREDENTIAL', 'GAMEPULSE_TOKEN_SECRET']);
  });

  it('runs with API keys required, bound to every interface (protected mode would refuse otherwise)', () => {
    const data = named('ConfigMap', 'gamepulse-config')!.data!;
    expect(data.GAMEPULSE_AUTH).toBe('on');
    expect(data.GAMEPULSE_HOST).toBe('0.0.0.0');
  });

  it('points the services at each other, Cassandra and Redis by their Service names', () => {
    const data = named('ConfigMap', 'gamepulse-config')!.data!;
    for (const [name, port] of Object.entries(processes).filter(([n]) => n !== 'gateway')) {
      expect(data[`${name.toUpperCase()}_ADDR`]).toBe(`${name}:${port}`);
    }
    expect(named('Service', data.CASSANDRA_CONTACT_POINTS.split(':')[0])).toBeDefined();
    expect(named('Service', new URL(data.REDIS_URL).hostname)).toBeDefined();
    expect(named('Job', 'gamepulse-migrate')).toBeDefined();
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; image?: string }>;
  };

  it.each(Object.keys(processes))('runs %s from the gamepulse image', (name) => {
    const service = compose.services[name];
    expect(service.image).toBe('gamepulse:dev');
    expect(service.environment?.SERVICE).toBe(name);
    expect(service.environment?.CASSANDRA_CONTACT_POINTS).toBe('cassandra:9042');
    expect(service.environment?.GAMEPULSE_AUTH).toBe('on');
    expect(service.environment?.GAMEPULSE_SERVICE_CREDENTIAL).toBeTruthy();
  });

  it('has the official Cassandra and Redis images and a migration step', () => {
    expect(compose.services.cassandra?.image).toMatch(/^cassandra:5/);
    expect(compose.services.redis?.image).toMatch(/^redis:/);
    expect(compose.services.migrate).toBeDefined();
  });
});
