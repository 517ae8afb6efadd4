import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { grpcTarget } from '../service-address.js';

describe('grpcTarget', () => {
  it('leaves one address to the resolver (DNS: every replica of a name)', () => {
    expect(grpcTarget('127.0.0.1:50052')).toBe('127.0.0.1:50052');
    expect(grpcTarget('session.gamepulse.svc.cluster.local:50052')).toBe('session.gamepulse.svc.cluster.local:50052');
  });

  it('makes a list of replicas one ipv4 target', () => {
    expect(grpcTarget('127.0.0.1:50052, 127.0.0.1:50062,10.0.0.7:50052')).toBe('ipv4:127.0.0.1:50052,127.0.0.1:50062,10.0.0.7:50052');
  });

  it('refuses a list entry that is not an IPv4 ip:port, naming it, and so does the config at start', () => {
    for (const bad of ['127.0.0.1:50052,session:50052', '127.0.0.1:50052,127.0.0.1', '127.0.0.1:1,127.0.0.1:70000', '127.0.0.1:1,']) {
      expect(() => grpcTarget(bad)).toThrow(/a list of replicas must be IPv4 ip:port entries, got "/);
    }
    expect(() => loadConfig({ SESSION_ADDR: '127.0.0.1:50052,session:50052' })).toThrow(/got "session:50052"/);
  });
});
