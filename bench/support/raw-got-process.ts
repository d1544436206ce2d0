import { serveParent } from './child-process.js';
import { measure } from './measure.js';
import { createProfiler } from './profiler.js';
import { createRawGotLoop, runConcurrent } from './raw-loops.js';

/** Entry point of the raw got loop's own process, for the gateway bench's baseline. */
const { STUB_URL, STUB_TOKEN, TEMPLATE_ID } = process.env;
if (!STUB_URL || !STUB_TOKEN || !TEMPLATE_ID) throw new Error('STUB_URL, STUB_TOKEN, TEMPLATE_ID');
const loop = createRawGotLoop(STUB_URL, STUB_TOKEN, TEMPLATE_ID);
const profiler = createProfiler();

interface RunRequest {
  total: number;
  concurrency: number;
}

serveParent(
  {},
  {
    run: (payload) => {
      const { total, concurrency } = payload as RunRequest;
      return measure(total, () => runConcurrent(total, concurrency, loop.send));
    },
    profileStart: () => profiler.start(),
    profileStop: (file) => profiler.stop(file as string),
    stop: () => loop.close(),
  },
);
