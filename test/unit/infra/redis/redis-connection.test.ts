import { describe, expect, it } from '@jest/globals';
import { startGateway } from '../../../../src/app.js';
import { loadConfig } from '../../../../src/config.js';
import { connectRedis, warnOnNewError } from '../../../../src/infra/redis/redis-connection.js';
import { recordingLogger } from '../../../helpers/recording-logger.js';

describe('connecting to a Redis that is not there', () => {
  it('fails with the address (never the password) instead of hanging', async () => {
    const started = Date.now();
    await expect(connectRedis({ url: 'redis://:hunter2@127.0.0.1:9' })).rejects.toThrow(
      /^Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:9: .*ECONNREFUSED/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('makes the gateway refuse to start, naming the cause', async () => {
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:9' });
    await expect(startGateway(config, { logger: recordingLogger() })).rejects.toThrow(
      /Cannot connect to Redis at redis:\/\/127\.0\.0\.1:9/,
    );
  });
});

describe('warnOnNewError', () => {
  it('warns once per run of the same error, naming it', () => {
    const logger = recordingLogger();
    const onError = warnOnNewError(logger);
    for (const message of [
      'ECONNREFUSED',
      'ECONNREFUSED',
      'ECONNREFUSED',
      'ETIMEDOUT',
      'ECONNREFUSED',
    ])
      onError(new Error(message));
    expect(
      logger.at('warn').map((line) => (line.fields.err as { message: string }).message),
    ).toEqual(['ECONNREFUSED', 'ETIMEDOUT', 'ECONNREFUSED']);
  });
});
