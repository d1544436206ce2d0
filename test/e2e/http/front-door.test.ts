import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

describe('GET /graphql from a browser with the playground off', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { PLAYGROUND: 'false' } });
  });
  afterAll(() => t.close());

  it('serves no page at all, so nothing is loaded from a CDN', async () => {
    const response = await fetch(t.gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(body).not.toMatch(/<html|cdn|embeddable/i);
  });
});
