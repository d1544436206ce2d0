import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../shared/logger.js';
import { unixSeconds, type Clock } from '../common/clock.js';
import type { PopupEvent } from '../control/subscribe-tap.js';
import type { ChangeEvent } from '../control/user-controls.js';
import type { SentEvent } from '../messages/send-route.js';
import { DistinctCreateTimes } from './distinct-create-times.js';
import { sandboxOriginalId } from './original-id.js';
import type { PushBodyFormat } from './render-push.js';
import { sealPush, type PushMode } from './seal-push.js';
import { changePush, popupPush, sentPush, type SubscribePush } from './subscribe-push.js';
import { WeChatPushSealer } from './wechat-crypto.js';

/** WeChat waits 5 s for `success`, then drops the connection and retries: 3 attempts in all (§6.2). */
export const WECHAT_PUSH_TIMEOUT_MS = 5000;
export const WECHAT_PUSH_ATTEMPTS = 3;
const DEFAULT_RETRY_DELAY_MS = 1000;

export interface PushSenderOptions {
  /** The push Token configured for the mini program. */
  token: string;
  /** The 43-character EncodingAESKey; needed for compatible and safe mode. */
  aesKey?: string | null;
  appId: string;
  /** ToUserName, the mini program's original id; default derived from the appid. */
  originalId?: string;
  /** Data format (数据格式); default XML, WeChat's default. */
  format?: PushBodyFormat;
  /** Encryption mode; default safe when an EncodingAESKey is given, else plaintext. */
  mode?: PushMode;
  /** The message-push URL; may be set later with setTarget (the gateway's is known once it listens). */
  target?: string | null;
  logger: Logger;
  /** Attempts per push, first included; default 3 like WeChat. */
  attempts?: number;
  /** How long an attempt waits for `success`; default 5000 ms like WeChat. */
  timeoutMs?: number;
  /** Pause before a retry; default 1000 ms. */
  retryDelayMs?: number;
  /** Millisecond clock for timestamp; default Date.now. */
  now?: Clock;
}

export interface PushDelivery {
  delivered: boolean;
  attempts: number;
  /** Why the last attempt failed, when it did. */
  reason?: string;
}

/** The simulator hooks that push each user action to the target, as WeChat would. */
export interface SimulatorPushHooks {
  onPopup(event: PopupEvent): Promise<void>;
  onSent(event: SentEvent): Promise<void>;
  onChange(event: ChangeEvent): Promise<void>;
}

class AttemptFailed extends Error {}

/**
 * Turns the simulator's user actions into real WeChat message pushes (docs/wechat.md §6): signed, in
 * XML or JSON, encrypted in compatible/safe mode, POSTed to the message-push URL and retried like
 * WeChat does when the receiver does not answer `success` in time. Deliveries never throw: a push
 * that cannot be delivered is logged, as WeChat would silently give up.
 */
export class PushSender {
  readonly format: PushBodyFormat;
  readonly mode: PushMode;
  readonly originalId: string;
  readonly #token: string;
  readonly #crypto: WeChatPushSealer | undefined;
  readonly #logger: Logger;
  readonly #attempts: number;
  readonly #timeoutMs: number;
  readonly #retryDelayMs: number;
  readonly #now: Clock;
  readonly #createTimes = new DistinctCreateTimes();
  readonly #closing = new AbortController();
  #target: URL | null = null;

  constructor(options: PushSenderOptions) {
    if (!options.token) throw new TypeError('PushSender: token must be a non-empty string');
    this.format = options.format ?? 'xml';
    if (this.format !== 'xml' && this.format !== 'json') {
      throw new TypeError(`PushSender: format must be xml or json, got ${String(this.format)}`);
    }
    const aesKey = options.aesKey ?? undefined;
    this.mode = options.mode ?? (aesKey ? 'safe' : 'plaintext');
    if (this.mode !== 'plaintext' && !aesKey) {
      throw new TypeError(`PushSender: ${this.mode} mode needs the EncodingAESKey`);
    }
    this.#token = options.token;
    this.#crypto =
      this.mode === 'plaintext'
        ? undefined
        : new WeChatPushSealer(options.token, aesKey!, options.appId);
    this.originalId = options.originalId ?? sandboxOriginalId(options.appId);
    this.#logger = options.logger;
    this.#attempts = wholeNumber('attempts', options.attempts ?? WECHAT_PUSH_ATTEMPTS, 1);
    this.#timeoutMs = wholeNumber('timeoutMs', options.timeoutMs ?? WECHAT_PUSH_TIMEOUT_MS, 1);
    this.#retryDelayMs = wholeNumber(
      'retryDelayMs',
      options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      0,
    );
    this.#now = options.now ?? Date.now;
    if (options.target) this.setTarget(options.target);
  }

  /** Where pushes go from now on. */
  setTarget(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`PushSender: target must be an absolute URL, got ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TypeError(`PushSender: target must be http or https, got ${parsed.protocol}`);
    }
    this.#target = parsed;
  }

  get target(): string | null {
    return this.#target?.href ?? null;
  }

  /** Hooks for createSimulator: each user action becomes one push. */
  hooks(): SimulatorPushHooks {
    return {
      onPopup: async (event) => {
        await this.deliver(popupPush(event));
      },
      onSent: async (event) => {
        await this.deliver(sentPush(event));
      },
      onChange: async (event) => {
        await this.deliver(changePush(event));
      },
    };
  }

  /** Pushes one event, retrying like WeChat; resolves (never rejects) with the outcome. */
  async deliver(push: SubscribePush): Promise<PushDelivery> {
    const target = this.#target;
    const fields = { event: push.event };
    if (target === null) {
      this.#logger.warn(fields, 'sandbox push dropped: no push URL set yet');
      return { delivered: false, attempts: 0, reason: 'no target' };
    }
    if (this.#closing.signal.aborted) {
      return { delivered: false, attempts: 0, reason: 'sender closed' };
    }
    const fixed = {
      ...push,
      createTime: this.#createTimes.take(push.event, push.openid, push.createTime),
    };
    let reason = '';
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      try {
        await this.#attempt(target, fixed);
        if (attempt > 1)
          this.#logger.info({ ...fields, attempt }, 'sandbox push delivered on retry');
        return { delivered: true, attempts: attempt };
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
        if (this.#closing.signal.aborted) return { delivered: false, attempts: attempt, reason };
        const retrying = attempt < this.#attempts;
        this.#logger.warn(
          { ...fields, target: printable(target), attempt, of: this.#attempts, reason, retrying },
          'sandbox push attempt failed',
        );
        if (!retrying) break;
        await this.#pause();
        if (this.#closing.signal.aborted) return { delivered: false, attempts: attempt, reason };
      }
    }
    this.#logger.error(
      { ...fields, target: printable(target), attempts: this.#attempts, reason },
      'sandbox push gave up: the receiver never answered success',
    );
    return { delivered: false, attempts: this.#attempts, reason };
  }

  /** Stops retries and aborts pushes in flight (before the receiver shuts down). */
  async close(): Promise<void> {
    this.#closing.abort();
  }

  async #attempt(target: URL, push: SubscribePush): Promise<void> {
    // Each attempt is signed afresh, with the clock of the moment it is sent.
    const sealed = sealPush(push, {
      token: this.#token,
      crypto: this.#crypto,
      mode: this.mode,
      format: this.format,
      toUserName: this.originalId,
      timestamp: String(unixSeconds(this.#now())),
      nonce: String(randomInt(100_000_000, 2_000_000_000)),
    });
    const url = new URL(target);
    for (const [name, value] of sealed.query) url.searchParams.set(name, value);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    let response: Response;
    let answer: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': sealed.contentType },
        body: sealed.body,
        signal: AbortSignal.any([timeout, this.#closing.signal]),
      });
      answer = await response.text();
    } catch (error) {
      if (timeout.aborted) throw new AttemptFailed(`no answer within ${this.#timeoutMs} ms`);
      if (this.#closing.signal.aborted) throw new AttemptFailed('sender closed');
      throw new AttemptFailed(`request failed: ${describeCause(error)}`);
    }
    if (response.status < 200 || response.status > 299) {
      throw new AttemptFailed(`HTTP ${response.status}`);
    }
    // WeChat takes `success` or an empty body as the acknowledgement (§6.2).
    const trimmed = answer.trim();
    if (trimmed !== 'success' && trimmed !== '') {
      throw new AttemptFailed(
        `answered ${JSON.stringify(trimmed.slice(0, 40))} instead of success`,
      );
    }
  }

  async #pause(): Promise<void> {
    if (this.#retryDelayMs === 0) return;
    await sleep(this.#retryDelayMs, undefined, { signal: this.#closing.signal }).catch(
      () => undefined,
    );
  }
}

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`PushSender: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** The target without its query: nothing signed ends up in the log. */
function printable(target: URL): string {
  return `${target.origin}${target.pathname}`;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
