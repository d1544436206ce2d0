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

type Level = 'debug' | 'info' | 'warn' | 'error';
type Enabled = Readonly<Record<Level, boolean>>;

/**
 * A pino logger whose children are only made when one of them writes a line at an enabled
 * level. Every request and every send takes a child bound to its request id, and pino's child
 * serialises (and redacts) its bindings at once: with the level dropping every line of the
 * request, that was all the child did. Lines, bindings and redaction are pino's own.
 */
class LazyPinoLogger implements Logger {
  private made: Logger | undefined;

  constructor(
    private readonly enabled: Enabled,
    made: Logger | undefined,
    private readonly parent?: LazyPinoLogger,
    private readonly bindings?: Record<string, unknown>,
  ) {
    this.made = made;
  }

  private pino(): Logger {
    return (this.made ??= this.parent!.pino().child(this.bindings!));
  }

  private write(level: Level, objOrMsg: object | string, msg: string | undefined): void {
    if (!this.enabled[level]) return;
    const target = this.pino();
    // With the caller's arity: after a string message pino formats even an undefined argument
    // into it ("%s" would read "undefined").
    if (msg === undefined) target[level](objOrMsg as object);
    else target[level](objOrMsg as object, msg);
  }

  debug(objOrMsg: object | string, msg?: string): void {
    this.write('debug', objOrMsg, msg);
  }

  info(objOrMsg: object | string, msg?: string): void {
    this.write('info', objOrMsg, msg);
  }

  warn(objOrMsg: object | string, msg?: string): void {
    this.write('warn', objOrMsg, msg);
  }

  error(objOrMsg: object | string, msg?: string): void {
    this.write('error', objOrMsg, msg);
  }

  child(bindings: Record<string, unknown>): Logger {
    return new LazyPinoLogger(this.enabled, undefined, this, bindings);
  }
}

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
  const root = destination ? pino(settings, destination) : pino(settings);
  const enabled: Enabled = {
    debug: root.isLevelEnabled('debug'),
    info: root.isLevelEnabled('info'),
    warn: root.isLevelEnabled('warn'),
    error: root.isLevelEnabled('error'),
  };
  return new LazyPinoLogger(enabled, root as unknown as Logger);
}
