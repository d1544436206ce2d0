import type { Logger } from '../../src/shared/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  /** The line's object merged over the bindings of the child logger that wrote it. */
  fields: Record<string, unknown>;
  msg: string;
}

export type RecordingLogger = Logger & {
  lines: LogLine[];
  at(level: LogLine['level']): LogLine[];
  /** Everything the lines could print, errors included, for "no secret in logs" checks. */
  text(): string;
};

/** A Logger that keeps every line, so tests can assert on (and search for secrets in) logs. */
export function recordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const log =
      (level: LogLine['level']) =>
      (objOrMsg: object | string, msg?: string): void => {
        if (typeof objOrMsg === 'string')
          lines.push({ level, fields: { ...bindings }, msg: objOrMsg });
        else lines.push({ level, fields: { ...bindings, ...objOrMsg }, msg: msg ?? '' });
      };
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), {
    lines,
    at: (level: LogLine['level']) => lines.filter((l) => l.level === level),
    text: () => logText(lines),
  });
}

export function logText(lines: readonly LogLine[]): string {
  return JSON.stringify(lines, (_key, value: unknown) =>
    value instanceof Error
      ? { name: value.name, message: value.message, stack: value.stack }
      : value,
  );
}
