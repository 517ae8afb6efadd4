import { describe, expect, it } from 'vitest';
import { matchRoute, type PlainRoute } from '../plain-routes.js';

const route = (method: string, path: RegExp): PlainRoute => ({ method, path, handle: async () => {} });

describe('matchRoute', () => {
  const routes = [route('GET', /^\/by-country\/(?<country>[^/]+)\/(?<hours>[^/]+)$/), route('GET', /^\/healthz$/)];

  it('matches a path and decodes its parameters', () => {
    const found = matchRoute(routes, 'GET', '/by-country/F%49/24');
    expect(found).not.toBe('method-not-allowed');
    expect(found && found !== 'method-not-allowed' && found.params).toEqual({ country: 'FI', hours: '24' });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(matchRoute(routes, 'POST', '/healthz')).toBe('method-not-allowed');
    expect(matchRoute(routes, 'GET', '/nowhere')).toBeUndefined();
  });
});
