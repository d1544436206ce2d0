import { pino } from 'pino';
import type { LogLevel } from '../config.js';
import type { Logger } from '../shared/logger.js';

/**
 * The process logger. Redaction is a second line of defence: services never log secrets, and
 * these paths catch the usual places one could slip through.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'secret',
        'appSecret',
        'access_token',
        'accessToken',
        'token',
        'authorization',
        'headers.authorization',
        'req.headers.authorization',
        '*.secret',
        '*.access_token',
        '*.appSecret',
      ],
      censor: '[redacted]',
    },
  }) as unknown as Logger;
}
