import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';

describe('loadConfig', () => {
  it('has defaults that reach the local infrastructure and services', () => {
    const config = loadConfig({});
    expect(config.cassandra.contactPoints).toEqual(['127.0.0.1:9042']);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.services.session).toEqual({ port: 50052, address: '127.0.0.1:50052' });
    expect(config.gateway.port).toBe(8080);
  });

  it('takes ports, addresses and contact points from the environment', () => {
    const config = loadConfig({
      SESSION_PORT: '6000',
      REACTION_ADDR: 'reaction:7000',
      CASSANDRA_CONTACT_POINTS: 'a:9042, b:9042',
    });
    expect(config.services.session).toEqual({ port: 6000, address: '127.0.0.1:6000' });
    expect(config.services.reaction.address).toBe('reaction:7000');
    expect(config.cassandra.contactPoints).toEqual(['a:9042', 'b:9042']);
  });

  it('names the variable when a value is not a valid port', () => {
    expect(() => loadConfig({ GATEWAY_PORT: 'eighty' })).toThrow(/GATEWAY_PORT must be an integer/);
    expect(() => loadConfig({ INGEST_PORT: '70000' })).toThrow(/INGEST_PORT must be a port number/);
  });
});
