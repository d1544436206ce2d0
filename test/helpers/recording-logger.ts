import type { Logger } from '../../src/services/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  obj?: object;
}

/** A Logger that keeps what it was told, so tests can assert on (and for secrets in) logs. */
export function recordingLogger(
  lines: LogLine[] = [],
): Logger & { lines: LogLine[]; text(): string } {
  const log =
    (level: LogLine['level']) =>
    (objOrMsg: object | string, msg?: string): void => {
      if (typeof objOrMsg === 'string') lines.push({ level, msg: objOrMsg });
      else lines.push({ level, msg: msg ?? '', obj: objOrMsg });
    };
  const logger = {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
    text: () => JSON.stringify(lines),
  };
  return logger;
}
