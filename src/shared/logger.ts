/**
 * The logging port. Services take a Logger instead of importing pino so that tests can inject a
 * recording logger and a stray console write fails the test (see test/setup/no-console.ts).
 * The call shape is pino's: `log.warn({ errcode }, 'message')`.
 */
export interface LogFn {
  (msg: string): void;
  (obj: object, msg?: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const noop = () => undefined;

export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
