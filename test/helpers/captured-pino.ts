import { Writable } from 'node:stream';
import type { LogFormat, LogLevel } from '../../src/config.js';
import { createLogger } from '../../src/infra/pino-logger.js';
import type { Logger } from '../../src/shared/logger.js';

export interface CapturedPino {
  /** The production logger (redaction and all), writing into memory. */
  logger: Logger;
  /** Everything written, as the bytes a log collector would get. */
  text(): string;
  /** The lines parsed as JSON (json format only). */
  lines(): Record<string, unknown>[];
}

export function capturedPino(level: LogLevel, format: LogFormat = 'json'): CapturedPino {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger(level, { format, destination });
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
