import { afterAll, beforeAll, describe } from '@jest/globals';
import { startTestGateway, type StoreKind, type TestGateway } from './gateway.js';
import { describeRedis } from './redis.js';

/**
 * One contract, two backends: `body` runs once on memory and once on the real Redis (skipped,
 * visibly, when the Redis tier does not run).
 */
export function describeEachStore(title: string, body: (store: StoreKind) => void): void {
  describe.each<StoreKind>(['memory'])(`${title} [%s]`, body);
  describeRedis.each<StoreKind>(['redis'])(`${title} [%s]`, body);
}

/**
 * A gateway shared by the tests of the enclosing describe (each test uses openids of its own),
 * started before them and closed after them.
 */
export function useGateway(store: StoreKind, env: Record<string, string> = {}): () => TestGateway {
  let gateway: TestGateway | undefined;
  beforeAll(async () => {
    gateway = await startTestGateway({ store, env });
  });
  afterAll(async () => {
    await gateway?.close();
  });
  return () => {
    if (!gateway) throw new Error('the gateway did not start (see the beforeAll error)');
    return gateway;
  };
}
