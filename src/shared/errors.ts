import { clipInput } from './quote-input.js';

/**
 * The gateway's error catalogue. Services throw these; the GraphQL edge maps `code` to
 * `extensions.code` in one place. Anything that is not a GatewayError is unexpected and gets
 * masked there, so a message written here may be shown to API clients: never put a secret in it.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  TEMPLATE_NOT_FOUND: 'TEMPLATE_NOT_FOUND',
  NO_SUBSCRIPTION: 'NO_SUBSCRIPTION',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** The token endpoint refused our credentials or our IP: an operator must act. */
  WECHAT_CREDENTIALS_REJECTED: 'WECHAT_CREDENTIALS_REJECTED',
  /** A business API kept rejecting freshly fetched tokens. */
  WECHAT_TOKEN_REJECTED: 'WECHAT_TOKEN_REJECTED',
  /** WeChat refused a call other than a send (a send's refusal is a recorded Message outcome). */
  WECHAT_API_ERROR: 'WECHAT_API_ERROR',
  /** The same idempotencyKey is still being processed by another request. */
  IDEMPOTENCY_IN_PROGRESS: 'IDEMPOTENCY_IN_PROGRESS',
  /** Two apps would have templates of one name (each names a typed send mutation): nothing changed. */
  TEMPLATE_NAME_CLASH: 'TEMPLATE_NAME_CLASH',
  /** The shared store (Redis) did not answer: nothing was done; retry after `retryAfterSeconds`. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class GatewayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadUserInputError extends GatewayError {
  constructor(
    message: string,
    readonly field?: string,
    extra: Record<string, unknown> = {},
  ) {
    super(ErrorCode.BAD_USER_INPUT, message, field === undefined ? extra : { field, ...extra });
  }
}

export class TemplateNotFoundError extends GatewayError {
  readonly templateIds: readonly string[];
  /**
   * `searched`: the app whose templates were searched, once known (the edge knows app names);
   * `hints` say where the templates are instead, e.g. `X is a template of clinic; pass app: clinic`.
   */
  constructor(
    templateIds: readonly string[],
    searched?: { app: string; hints: readonly string[] },
  ) {
    const shown = templateIds.map((id) => clipInput(id));
    const where = searched ? ` in app ${searched.app}` : '';
    const hints = searched?.hints.length ? `. ${searched.hints.join('. ')}` : '';
    super(
      ErrorCode.TEMPLATE_NOT_FOUND,
      `Unknown template${shown.length > 1 ? 's' : ''}${where}: ${clipInput(shown.join(', '))}${hints}`,
      searched ? { templateIds: shown, app: searched.app } : { templateIds: shown },
    );
    this.templateIds = shown;
  }
}

export class NoSubscriptionError extends GatewayError {
  constructor(openid: string, templateId: string) {
    super(
      ErrorCode.NO_SUBSCRIPTION,
      `User ${openid} has no subscription credit for template ${templateId} (quota policy: enforce)`,
      { openid, templateId },
    );
  }
}

export class ForbiddenError extends GatewayError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(ErrorCode.FORBIDDEN, message, extensions);
  }
}

export class UpstreamUnavailableError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, message, {}, options);
  }
}

/** How long a client should wait before retrying after a store outage. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export class StoreUnavailableError extends GatewayError {
  constructor(options?: { cause?: unknown }) {
    super(
      ErrorCode.STORE_UNAVAILABLE,
      'The gateway’s store is unavailable; retry later',
      { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
      options,
    );
  }
}

/**
 * WeChat accepted a send, then the store failed to record it: the client must not retry blindly
 * (the user already has the message). Answered like any store outage, 503; the idempotency key
 * stays pinned, so a retry with it answers the message rather than sending again.
 */
export class SentButNotRecordedError extends StoreUnavailableError {
  constructor(
    readonly messageId: string,
    options?: { cause?: unknown },
  ) {
    super(options);
  }
}
