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

/** Every object of the kind overlay checked against its Kubernetes JSON schema (kubernetes-models), offline. */
describe('k8s kind overlay against the Kubernetes schemas', () => {
  const manifests = renderKindOverlay() as unknown as Array<{ apiVersion: string; kind: string; metadata: { name: string } }>;

  it.each(manifests.map((manifest) => [`${manifest.kind}/${manifest.metadata.name}`, manifest] as const))(
    '%s is valid',
    async (_name, manifest) => {
      const module = (await import(`kubernetes-models/${manifest.apiVersion}/${manifest.kind}`)) as Record<
        string,
        new (data: unknown) => { validate(): void }
      >;
      expect(() => new module[manifest.kind](manifest).validate()).not.toThrow();
    },
  );

  it('catches an invalid object (the check can fail)', async () => {
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment');
    const broken = { metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'x', image: 7 }] } } } };
    expect(() => new Deployment(broken as never).validate()).toThrow(/image/);
  });
});

/** The parts of the rendered objects the scale checks read. */
interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ values: string[] }>;
}
interface ScaledObject {
  kind: string;
  metadata: { name: string };
  data: Record<string, string>;
  spec: {
    clusterIP?: string;
    replicas: number;
    scaleTargetRef: unknown;
    minReplicas: number;
    metrics: Array<{ resource: { name: string } }>;
    selector: Selector;
    podSelector: Selector;
    policyTypes: string[];
    ingress: Array<{ from?: Array<{ podSelector?: Selector }> }>;
    template: {
      spec: {
        terminationGracePeriodSeconds: number;
        topologySpreadConstraints: Array<{ topologyKey: string }>;
        containers: Array<{
          resources: { requests: Record<string, string>; limits: Record<string, string> };
          readinessProbe: { periodSeconds: number };
        }>;
      };
    };
  };
}

/** The rendered overlay, read for what running at scale needs. */
describe('k8s kind overlay at scale', () => {
  const manifests = renderKindOverlay() as unknown as ScaledObject[];
  const all = (kind: string) => manifests.filter((m) => m.kind === kind);
  const named = (kind: string, name: string) => all(kind).find((m) => m.metadata.name === name)!;
  const backends = Object.keys(processes).filter((name) => name !== 'gateway');

  it('makes every backend Service headless (callers balance over its replicas) and leaves the gateway a ClusterIP', () => {
    for (const name of backends) expect(named('Service', name).spec.clusterIP, name).toBe('None');
    expect(named('Service', 'gateway').spec.clusterIP).toBeUndefined();
  });

  it.each(Object.keys(processes))('scales %s: an HPA on CPU, a PDB, requests and limits, spread over nodes', (name) => {
    const hpa = named('HorizontalPodAutoscaler', name);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(named('PodDisruptionBudget', name).spec.selector.matchLabels).toEqual({ app: name });
    const pod = named('Deployment', name).spec.template.spec;
    const { requests, limits } = pod.containers[0].resources;
    expect(requests.cpu && requests.memory && limits.cpu && limits.memory).toBeTruthy();
    expect(pod.topologySpreadConstraints.map((c) => c.topologyKey)).toContain('kubernetes.io/hostname');
  });

  it('keeps a stopping pod serving, not ready, for longer than a readiness period before it drains', () => {
    const delayMs = Number(named('ConfigMap', 'gamepulse-config').data.GAMEPULSE_SHUTDOWN_DELAY_MS);
    for (const name of Object.keys(processes)) {
      const pod = named('Deployment', name).spec.template.spec;
      expect(delayMs).toBeGreaterThan(pod.containers[0].readinessProbe.periodSeconds * 1000);
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(delayMs + 10_000);
    }
  });

  it('lets only the gateway reach ingest, the gateway and ingest the owners, gamepulse alone Cassandra and Redis', () => {
    const policies = all('NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'default-deny-ingress')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    /** The apps a policy lets in to `app`'s pods (from every rule of every policy selecting it). */
    const allowedInto = (app: string) =>
      policies
        .filter((p) => p.spec.podSelector.matchLabels?.app === app)
        .flatMap((p) => p.spec.ingress.flatMap((rule) => rule.from ?? [undefined]))
        .flatMap((from) => (from ? (from.podSelector?.matchLabels?.app ?? from.podSelector?.matchExpressions?.[0]?.values ?? []) : '*'))
        .sort();
    expect(allowedInto('gateway')).toEqual(['*']);
    expect(allowedInto('ingest')).toEqual(['gateway']);
    for (const owner of ['session', 'reaction', 'games']) expect(allowedInto(owner)).toEqual(['gateway', 'ingest']);
    for (const store of ['cassandra', 'redis']) {
      expect(allowedInto(store).filter((app) => app !== 'cassandra')).toEqual([
        'gamepulse-migrate',
        'games',
        'gateway',
        'ingest',
        'reaction',
        'session',
      ]);
    }
  });

  it('runs three Cassandra nodes and makes the keyspace with replication factor 3', () => {
    expect(named('StatefulSet', 'cassandra').spec.replicas).toBe(3);
    expect(named('Service', 'cassandra').spec.clusterIP).toBe('None');
    expect(named('ConfigMap', 'gamepulse-config').data.CASSANDRA_REPLICATION_FACTOR).toBe('3');
  });
});

describe('docker-compose.yml at scale', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; ports?: unknown[]; container_name?: string }>;
  };

  it.each(Object.keys(processes).filter((name) => name !== 'gateway'))('can run %s as several replicas, reached by its name', (name) => {
    expect(compose.services[name].ports).toBeUndefined();
    expect(compose.services[name].container_name).toBeUndefined();
    expect(compose.services.gateway.environment?.[`${name.toUpperCase()}_ADDR`]).toBe(
      `${name}:${processes[name as keyof typeof processes]}`,
    );
  });
});
