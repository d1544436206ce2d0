import { createServer, type Server } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start-sandbox.js';
import { silentLogger } from '../../../src/shared/logger.js';

async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/**
 * A sandbox pinned to a port that was free a moment ago. Tests running beside this one take
 * ports too, so the port or the one after it may be taken in between: then try another.
 */
async function sandboxOnFreedPorts(): Promise<{ port: number; sandbox: Sandbox }> {
  for (let attempt = 1; ; attempt++) {
    const { server, port } = await occupiedPort();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      const sandbox = await startSandbox(
        loadConfig({ SANDBOX_SIMULATOR_PORT: String(port) }),
        silentLogger,
      );
      return { port, sandbox };
    } catch (error) {
      const inUse = (error as { cause?: { code?: string } }).cause?.code === 'EADDRINUSE';
      if (!inUse || attempt === 5) throw error;
    }
  }
}

describe('SANDBOX_SIMULATOR_PORT', () => {
  it('defaults to 0 (a free port) and must be a port number', () => {
    expect(loadConfig({}).sandboxSimulatorPort).toBe(0);
    expect(loadConfig({ SANDBOX_SIMULATOR_PORT: '4100' }).sandboxSimulatorPort).toBe(4100);
    expect(() => loadConfig({ SANDBOX_SIMULATOR_PORT: 'high' })).toThrow(ConfigError);
    expect(() => loadConfig({ SANDBOX_SIMULATOR_PORT: '70000' })).toThrow(
      'SANDBOX_SIMULATOR_PORT must be an integer from 0 to 65535',
    );
  });

  it('pins the first demo app’s simulator to that port, the next one to the following port', async () => {
    const { port, sandbox } = await sandboxOnFreedPorts();
    try {
      const urls = [...sandbox.apps.values()].map((app) => app.simulator.url);
      expect(urls).toEqual([`http://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`]);
      expect((await fetch(`${urls[0]}/__sim/`)).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  it('a port in use is an error that names the variable', async () => {
    const { server, port } = await occupiedPort();
    try {
      const attempt: Sandbox | Error = await startSandbox(
        loadConfig({ SANDBOX_SIMULATOR_PORT: String(port) }),
        silentLogger,
      ).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      // Closed even when it wrongly started, so a failing test does not hang on an open server.
      if (!(attempt instanceof Error)) await attempt.close();
      expect(attempt).toBeInstanceOf(Error);
      expect((attempt as Error).message).toBe(
        `SANDBOX_SIMULATOR_PORT: port ${port} is in use on 127.0.0.1: pick another port, or unset it for free ones`,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
