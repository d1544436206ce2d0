import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultTemplatesFile } from '../../../src/simulator/default-templates-file.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

const KEY = 'admin-key-0123456789abcdef';
/** Live mode without ever calling WeChat: templates from the file, WeChat unreachable. */
const LIVE = {
  WECHAT_APP_ID: 'wx0000000000000001',
  WECHAT_APP_SECRET: '0123456789abcdef0123456789abcdef',
  WECHAT_API_BASE: 'http://127.0.0.1:9',
  GATEWAY_API_KEYS: `admin:${KEY}`,
  TEMPLATES_FILE: defaultTemplatesFile(),
};
const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

const EMPTY_ICON = '<link rel="icon" href="data:,">';

/**
 * A page that loads nothing: no script, no stylesheet, no image from anywhere, and an empty
 * inline icon so that a browser does not ask for /favicon.ico (a 404 in its console).
 */
function expectSelfContained(body: string, policy: string | null) {
  expect(body).toContain(EMPTY_ICON);
  expect(body.replace(EMPTY_ICON, '')).not.toMatch(/<script|<link|<img|<iframe|cdn|embeddable/i);
  expect(policy).toContain("default-src 'none'");
  expect(policy).toContain('img-src data:;');
}

describe('live mode with the playground off', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: LIVE });
  });
  afterAll(() => t.close());

  it('tells a browser opening /graphql how to turn the playground on', async () => {
    const response = await fetch(t.gateway.graphqlUrl, { headers: BROWSER });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(body).toContain('PLAYGROUND=true');
    expectSelfContained(body, response.headers.get('content-security-policy'));
  });

  it('still answers API clients on GET /graphql as the API', async () => {
    const response = await fetch(`${t.gateway.graphqlUrl}?query=%7B__typename%7D`, {
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${KEY}`,
        // Apollo's CSRF prevention wants this on a GET.
        'apollo-require-preflight': 'true',
      },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('points GET / at the docs and says how to get the playground', async () => {
    const response = await fetch(t.gateway.url, { headers: BROWSER, redirect: 'manual' });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).toContain('README');
    expect(body).toContain('PLAYGROUND=true');
    expect(body).toContain('POST /graphql');
    expectSelfContained(body, response.headers.get('content-security-policy'));
  });
});

describe('with the playground on', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('sends GET / to the playground', async () => {
    const response = await fetch(t.gateway.url, { headers: BROWSER, redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/graphql');
    await response.text();
  });
});

describe('a port already in use', () => {
  let taken: Server;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it('fails start-up with a message that says to set PORT', async () => {
    const { port } = taken.address() as AddressInfo;
    await expect(startTestGateway({ env: { PORT: String(port) } })).rejects.toThrow(
      new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*set PORT`),
    );
  });
});
