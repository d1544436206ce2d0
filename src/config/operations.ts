import type { Reader } from './reader.js';

export type LogFormat = 'json' | 'pretty';

export interface OperationsSettings {
  /** json (one object a line, for collectors) or pretty (pino-pretty, for people). */
  readonly logFormat: LogFormat;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | null;
}

/** LOG_FORMAT and METRICS_TOKEN; the token is never echoed, only what is wrong with it. */
export function parseOperations(reader: Reader): OperationsSettings {
  const logFormat = reader.oneOf<LogFormat>('LOG_FORMAT', ['json', 'pretty'], 'json');
  let metricsToken = reader.raw('METRICS_TOKEN') ?? null;
  if (metricsToken !== null && (metricsToken.length < 16 || /\s/.test(metricsToken))) {
    reader.problems.push('METRICS_TOKEN must be at least 16 characters with no spaces');
    metricsToken = null;
  }
  return { logFormat, metricsToken };
}
