import { describe, expect, it } from '@jest/globals';
import { requestIdFrom } from '../../../../src/http/ops/request-id.js';
import { routeLabeler } from '../../../../src/http/ops/route-label.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('accept ids proxies and tracers use', () => {
    for (const id of [
      '3f2b8c9e-1d4a-4c1e-9f0a-7b6d5e4c3b2a',
      '01HZX3K9Q6W2P8R7T5Y4U3I2O1',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent'.split(';')[0]!,
      'a'.repeat(128),
    ]) {
      expect(requestIdFrom(id)).toBe(id);
    }
  });

  it('replace anything that could forge or bloat a log line with a fresh UUID', () => {
    for (const bad of [undefined, '', 'a b', 'line\nbreak', '"quoted"', 'a'.repeat(129), '中文']) {
      expect(requestIdFrom(bad)).toMatch(UUID);
    }
    expect(requestIdFrom(['first-id', 'second'])).toBe('first-id');
  });
});

describe('route labels', () => {
  const label = routeLabeler(() => ['/graphql', '/healthz'], ['/playground/assets']);

  it('name known paths, file prefixes, and everything else "other", without throwing on junk', () => {
    expect(label('/graphql?query=%7B%7D')).toBe('/graphql');
    expect(label('/healthz#x')).toBe('/healthz');
    expect(label('/playground/assets/app.js')).toBe('/playground/assets');
    expect(label('/playground/assetsx')).toBe('other');
    expect(label('/graphql/')).toBe('other');
    expect(label('//%')).toBe('other');
    expect(label(undefined)).toBe('other');
    expect(label('*')).toBe('other');
  });
});
