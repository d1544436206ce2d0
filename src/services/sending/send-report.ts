import { ErrorCode, GatewayError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Observer } from '../../shared/observer.js';
import type { MessageRecord } from '../messages/message-store.js';

/** Errors that stop a send before WeChat is called: nothing was attempted. */
const NOT_ATTEMPTED: ReadonlySet<string> = new Set([
  ErrorCode.NO_SUBSCRIPTION,
  ErrorCode.BAD_USER_INPUT,
]);

/**
 * Reports the outcome of one send: one info line (ids, template, status, errcode, attempts,
 * duration; never the data, which can be personal) and one count for the metrics.
 */
export class SendReport {
  private readonly started = performance.now();

  constructor(
    private readonly logger: Logger,
    private readonly observer: Observer,
    private readonly send: {
      messageId: string;
      appId: string;
      template: { name: string; id: string };
    },
  ) {}

  finished(record: MessageRecord): void {
    this.emit(record.status, record.errcode, record.attempts, null);
  }

  /** The send ended in an exception: no WeChat answer, or refused before WeChat was called. */
  threw(error: unknown): void {
    const code = error instanceof GatewayError ? error.code : ErrorCode.INTERNAL_SERVER_ERROR;
    const attempts = (error as { attempts?: unknown }).attempts;
    this.emit(
      NOT_ATTEMPTED.has(code) ? 'REJECTED' : 'FAILED',
      null,
      typeof attempts === 'number' ? attempts : 0,
      code,
    );
  }

  private emit(status: string, errcode: number | null, attempts: number, error: string | null) {
    const durationMs = Math.round((performance.now() - this.started) * 10) / 10;
    const { messageId, appId, template } = this.send;
    this.observer.send({ appId, template: template.name, status, errcode, durationMs });
    this.logger.info(
      {
        messageId,
        appId,
        template: template.name,
        templateId: template.id,
        status,
        errcode,
        attempts,
        durationMs,
        ...(error === null ? {} : { error }),
      },
      'send finished',
    );
  }
}
