import type { Logger } from '../shared/logger.js';

/** The part of `process` the handlers attach to; a test passes an EventEmitter. */
export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (error: unknown) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/**
 * Last resort for a bug that escaped every handler: after an uncaught exception the process's
 * state is unknown, so it is logged and the process exits non-zero for its supervisor to restart
 * it. Never silently, and never carrying on.
 */
export function installLastResortHandlers(
  target: ProcessEvents,
  logger: Logger,
  exit: (code: number) => void,
): void {
  let exiting = false;
  const die = (kind: string) => (error: unknown) => {
    try {
      logger.error(
        { err: error instanceof Error ? error : { message: String(error) }, kind },
        `${kind}: exiting`,
      );
    } finally {
      if (!exiting) {
        exiting = true;
        exit(1);
      }
    }
  };
  target.on('uncaughtException', die('uncaught exception'));
  target.on('unhandledRejection', die('unhandled promise rejection'));
}
