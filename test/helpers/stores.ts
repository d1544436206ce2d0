import { afterAll, beforeAll, describe } from '@jest/globals';
import { startTestGateway, type StoreKind, type TestGateway } from './gateway.js';
import { describeRedis } from './redis.js';

const STORE_DESCRIBES: readonly (readonly [StoreKind, typeof describe])[] = [
  ['memory', describe],
  ['redis', describeRedis],
];

/**
 * One suite, two backends: `body` runs once on memory and once on the real Redis (skipped,
 * visibly, when the Redis tier does not run). The title is `title [store]`, or `title(store)`.
 */
export function describeEachStore(
  title: string | ((store: StoreKind) => string),
  body: (store: StoreKind) => void,
): void {
  for (const [store, describeFor] of STORE_DESCRIBES) {
    describeFor(typeof title === 'string' ? `${title} [${store}]` : title(store), () =>
      body(store),
    );
  }
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
