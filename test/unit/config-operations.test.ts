import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig: operations settings', () => {
  it('defaults to JSON logs and an open /metrics', () => {
    expect(loadConfig({})).toMatchObject({ logFormat: 'json', metricsToken: null });
  });

  it('reads LOG_FORMAT and METRICS_TOKEN', () => {
    const config = loadConfig({ LOG_FORMAT: 'pretty', METRICS_TOKEN: 'scrape-token-0123456789' });
    expect(config).toMatchObject({ logFormat: 'pretty', metricsToken: 'scrape-token-0123456789' });
  });

  it('reports both problems together and never echoes the token', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ LOG_FORMAT: 'xml', METRICS_TOKEN: 'short-secret' });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'LOG_FORMAT must be one of json, pretty (got "xml")',
      'METRICS_TOKEN must be at least 16 characters with no spaces',
    ]);
    expect(error!.message).not.toContain('short-secret');
  });
});
