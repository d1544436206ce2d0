import { afterEach, beforeEach } from '@jest/globals';

// Code under test logs through an injected Logger; a console write means something bypassed it.
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
const originals = new Map(methods.map((m) => [m, console[m]]));
let writes: string[] = [];

beforeEach(() => {
  writes = [];
  for (const method of methods) {
    console[method] = (...args: unknown[]) => {
      writes.push(`console.${method}: ${args.map(String).join(' ')}`);
    };
  }
});

afterEach(() => {
  for (const method of methods) console[method] = originals.get(method)!;
  if (writes.length > 0) {
    throw new Error(`Test wrote to the console (inject a logger instead):\n${writes.join('\n')}`);
  }
});
