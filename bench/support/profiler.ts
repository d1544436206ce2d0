import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * In-process V8 CPU profiling through the inspector, so a profile covers only the measured load
 * and not start-up, module loading or warm-up (which `node --cpu-prof` would include).
 */
export function createProfiler(): { start(): Promise<void>; stop(file: string): Promise<void> } {
  let session: Session | null = null;
  return {
    async start() {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 250 });
      await session.post('Profiler.start');
    },
    async stop(file) {
      if (!session) throw new Error('profiler not started');
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      session = null;
    },
  };
}
