import { randomBytes } from 'node:crypto';
import { serveParent } from './child-process.js';

/**
 * Entry point of the abusive client: posts one query after another (one at a time, as a single
 * client would) until told to halt, in a process of its own so that reading its large responses
 * costs the measuring process nothing. `fresh` adds a unique comment to each query, which
 * defeats Apollo's cache of validated documents: every request is parsed and validated anew.
 */
interface Attack {
  url: string;
  key: string;
  query: string;
  fresh: boolean;
}

let running: Promise<{ requests: number; statuses: Record<number, number> }> | null = null;
let stopping = false;

async function loop(attack: Attack) {
  const statuses: Record<number, number> = {};
  let requests = 0;
  while (!stopping) {
    const query = attack.fresh
      ? `${attack.query}\n# ${randomBytes(8).toString('hex')}`
      : attack.query;
    const response = await fetch(attack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${attack.key}` },
      body: JSON.stringify({ query }),
    });
    await response.arrayBuffer();
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    requests++;
  }
  return { requests, statuses };
}

serveParent(
  {},
  {
    start: (payload) => {
      if (running) throw new Error('already attacking');
      stopping = false;
      running = loop(payload as Attack);
      return null;
    },
    halt: async () => {
      stopping = true;
      const result = running ? await running : { requests: 0, statuses: {} };
      running = null;
      return result;
    },
  },
);
