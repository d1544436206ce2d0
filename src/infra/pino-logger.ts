import pinoPretty from 'pino-pretty';
import { pino, type DestinationStream } from 'pino';
import type { LogFormat, LogLevel } from '../config.js';
import type { Logger } from '../shared/logger.js';

export interface LoggerOptions {
  /** json by default: one object a line, for log collectors. */
  format?: LogFormat;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/** Field paths whose values never reach a log line, whatever a caller passes. */
export const REDACTED_PATHS = [
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
  '*.accessToken',
  '*.appSecret',
  '*.token',
  '*.authorization',
];

/**
 * The process logger. Redaction is a second line of defence: services never log secrets, and
 * these paths catch the usual places one could slip through. `pretty` formats in-process
 * (no worker thread), for a person reading a terminal; it costs CPU per line, so production
 * keeps JSON.
 */
export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const settings = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  const destination =
    options.format === 'pretty'
      ? pinoPretty({
          sync: true,
          colorize: options.destination === undefined && process.stdout.isTTY,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
          ...(options.destination ? { destination: options.destination as never } : {}),
        })
      : options.destination;
  return (destination ? pino(settings, destination) : pino(settings)) as unknown as Logger;
}
