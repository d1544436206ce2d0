import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../src/config.js';
import { gatewayEnvFor, standaloneSettings } from '../../../src/simulator/standalone.js';

describe('standalone simulator settings', () => {
  it('reads the quotas: a positive integer, or none for no limit', () => {
    expect(
      standaloneSettings({ SIMULATOR_SEND_PER_MINUTE: '100', SIMULATOR_SEND_PER_DAY: 'none' })
        .options.sendQuota,
    ).toEqual({ perMinute: 100, perDay: null });
    expect(standaloneSettings({}).options.sendQuota).toBeUndefined();
    expect(standaloneSettings({})).toMatchObject({ port: 4100, host: '127.0.0.1' });
  });

  it('reports every bad setting together, naming each', () => {
    expect(() =>
      standaloneSettings({
        SIMULATOR_SEND_PER_MINUTE: '0',
        SIMULATOR_SEND_PER_DAY: 'lots',
        SIMULATOR_PORT: '99999',
      }),
    ).toThrow(
      /SIMULATOR_SEND_PER_MINUTE must be a positive integer or "none", got "0"\n.*SIMULATOR_SEND_PER_DAY.*"lots"\n.*SIMULATOR_PORT must be an integer from 0 to 65535/,
    );
  });

  it('the environment it prints for a gateway is a complete live-mode configuration', () => {
    const env = Object.fromEntries(
      gatewayEnvFor('http://127.0.0.1:4100', { appId: 'wxsim', appSecret: 'secret' }),
    );
    expect(Object.keys(env)).toEqual([
      'WECHAT_API_BASE',
      'WECHAT_APP_ID',
      'WECHAT_APP_SECRET',
      'GATEWAY_API_KEYS',
      'TEMPLATES_SYNC',
    ]);
    const config = loadConfig(env);
    expect(config.mode).toBe('live');
    expect(config.apps).toEqual([
      expect.objectContaining({
        apiBase: 'http://127.0.0.1:4100',
        appId: 'wxsim',
        appSecret: 'secret',
        templatesSync: true,
      }),
    ]);
    expect(config.apiKeys).toEqual([
      { role: 'admin', key: expect.stringMatching(/^[0-9a-f]{32}$/), apps: null },
    ]);
  });

  it('npm run simulator prints that environment and honours the quota variables', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator-main.ts'], {
      env: {
        ...process.env,
        SIMULATOR_PORT: '0',
        SIMULATOR_SEND_PER_MINUTE: '7',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    try {
      child.stdout.setEncoding('utf8');
      // Read with a listener, not a for-await loop: leaving the loop would close the pipe, and the
      // simulator's next console line would then kill it with EPIPE.
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('Control surface:')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`the simulator exited (${code}): ${out}`)));
      });
      for (const name of [
        'WECHAT_API_BASE=http://127.0.0.1:',
        'WECHAT_APP_ID=',
        'WECHAT_APP_SECRET=',
        'GATEWAY_API_KEYS=admin:',
        'TEMPLATES_SYNC=true',
        'Authorization: Bearer ',
      ]) {
        expect(out).toContain(name);
      }
      const base = /WECHAT_API_BASE=(\S+)/.exec(out)![1]!;
      const quota = (await (await fetch(`${base}/__sim/quota`)).json()) as { perMinute: number };
      expect(quota.perMinute).toBe(7);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });
});
