import type { Logger } from '../../shared/logger.js';
import { noopObserver, type Observer } from '../../shared/observer.js';
import type { PushDedup } from './dedup-store/push-dedup.js';
import { parseEnvelope, type PushDocument } from './envelope.js';
import { normalizeEvent } from './normalize-event.js';
import { PushCrypto } from './push-crypto.js';
import { PushError } from './push-error.js';
import { signaturesEqual } from './signature.js';
import type { SubscribeEvent } from './subscribe-event.js';
import { checkFreshness, verifyUrlSignature, type SignedQuery } from './verify-request.js';

export interface PushEventSink {
  apply(event: SubscribeEvent): Promise<void>;
}

export interface PushHandlerDeps {
  /** The push Token configured in the mini-program admin console. */
  token: string;
  /** The 43-character EncodingAESKey; required to accept safe/compatible-mode pushes. */
  aesKey?: string;
  appId: string;
  /** How far `timestamp` may be from our clock, in seconds. */
  replayWindowSeconds: number;
  /** Clock in milliseconds. */
  now?: () => number;
  dedup: PushDedup;
  /**
   * Remembers each verified (timestamp, nonce, signature) while its timestamp is fresh, so a
   * captured request cannot be replayed; shared across processes like `dedup`.
   */
  replay: PushDedup;
  sink: PushEventSink;
  logger: Logger;
  /** Counts deliveries by event kind and outcome; none recorded when absent. */
  observer?: Observer;
  /** Default 65536. The HTTP adapter should also stop reading a body past this size. */
  maxBodyBytes?: number;
  /** How long a delivery key is remembered. Default 3600 s, well past WeChat's retries. */
  dedupTtlSeconds?: number;
  /** Refuse plaintext POSTs, so a captured URL signature cannot carry a forged plaintext body. */
  requireEncryption?: boolean;
}

/** A transport-agnostic view of the HTTP request. */
export interface PushRequest {
  method: string;
  query: URLSearchParams;
  contentType?: string;
  body: Buffer | string;
  /** The HTTP request's id: the lines about this delivery carry it. */
  requestId?: string;
}

export interface PushResponse {
  status: number;
  body: string;
  contentType: string;
}

export type PushHandler = (req: PushRequest) => Promise<PushResponse>;

const TEXT = 'text/plain; charset=utf-8';
const DEFAULT_MAX_BODY_BYTES = 65_536;
const DEFAULT_DEDUP_TTL_SECONDS = 3600;
// Bodies for refusals stay generic: the reason goes to our log, not to whoever is probing.
const GENERIC_BODIES: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'forbidden',
  405: 'method not allowed',
  413: 'payload too large',
  500: 'retry later',
};
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One delivery, not one item: a popup lists several templates under one FromUserName+CreateTime. */
export function pushDedupKey(event: SubscribeEvent): string {
  const base = `${event.openid}:${event.createTime}:${event.event}`;
  // Two sends to one user can be reported within the same second: their MsgIDs tell them apart.
  if (event.kind === 'sent')
    return `${base}:${event.items
      .map((i) => i.msgId)
      .sort()
      .join(',')}`;
  return base;
}

/**
 * Handles WeChat's message-push endpoint: the GET URL verification and POSTed subscribe events,
 * plaintext or AES safe mode, XML or JSON. Replies `success` once an event is applied (or
 * ignored), a 4xx for anything that fails verification or parsing, and 500 when the sink fails
 * so that WeChat retries.
 *
 * - Plaintext mode: the URL signature covers token/timestamp/nonce only, not the body, so a
 *   captured query can carry a forged body inside the replay window. Safe mode closes that
 *   (msg_signature covers Encrypt); `requireEncryption` refuses plaintext once it is on.
 * - A body with `Encrypt` but no `encrypt_type=aes` is refused (`unexpected_encrypt`) rather than
 *   read as plaintext: there is no msg_signature to check it against.
 * - Dedup: the delivery key is claimed (firstSeen) before the sink runs, so concurrent retries
 *   apply it once; if the sink throws the claim is released so the retry applies it.
 * - Replay: each verified (timestamp, nonce, signature) is claimed in the `replay` port for the
 *   span its timestamp stays fresh; a second request with it is refused (401, `replay`), unless
 *   the first failed and was released. WeChat signs its own retries afresh.
 */
export function createPushHandler(deps: PushHandlerDeps): PushHandler {
  if (typeof deps.token !== 'string' || deps.token.length === 0) {
    throw new TypeError('createPushHandler: token must be a non-empty string');
  }
  if (typeof deps.appId !== 'string' || deps.appId.length === 0) {
    throw new TypeError('createPushHandler: appId must be a non-empty string');
  }
  if (!(Number.isFinite(deps.replayWindowSeconds) && deps.replayWindowSeconds > 0)) {
    throw new TypeError(
      `createPushHandler: replayWindowSeconds must be a positive number, got ${deps.replayWindowSeconds}`,
    );
  }
  const crypto =
    deps.aesKey === undefined ? undefined : new PushCrypto(deps.token, deps.aesKey, deps.appId);
  const now = deps.now ?? Date.now;
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const dedupTtlSeconds = deps.dedupTtlSeconds ?? DEFAULT_DEDUP_TTL_SECONDS;
  const { logger, dedup, replay, sink } = deps;
  const observer = deps.observer ?? noopObserver;
  // A timestamp is fresh from window before our clock to window after it: 2 × window in all.
  const replayTtlSeconds = Math.ceil(2 * deps.replayWindowSeconds);

  function verify(query: URLSearchParams): SignedQuery {
    const signed = verifyUrlSignature(query, deps.token);
    checkFreshness(signed.timestamp, now(), deps.replayWindowSeconds);
    return signed;
  }

  function handleGet(req: PushRequest): PushResponse {
    verify(req.query);
    const echostr = req.query.get('echostr');
    if (echostr === null || echostr === '') {
      throw new PushError('missing_echostr', 'verification request has no echostr');
    }
    observer.push({ event: 'verification', outcome: 'verified' });
    return { status: 200, body: echostr, contentType: TEXT };
  }

  function readDocument(req: PushRequest, signed: SignedQuery, text: string): PushDocument {
    const encryptType = req.query.get('encrypt_type');
    if (encryptType === 'aes') {
      if (crypto === undefined) {
        throw new PushError(
          'encryption_not_configured',
          'received an encrypted push (encrypt_type=aes) but no EncodingAESKey is configured',
        );
      }
      const encrypt = own(parseEnvelope(text, req.contentType), 'Encrypt');
      if (typeof encrypt !== 'string' || encrypt === '') {
        throw new PushError('missing_encrypt', 'encrypted push has no Encrypt field');
      }
      const msgSignature = req.query.get('msg_signature');
      if (msgSignature === null) {
        throw new PushError('bad_signature', 'encrypted push has no msg_signature');
      }
      const expected = crypto.msgSignature(signed.timestamp, signed.nonce, encrypt);
      if (!signaturesEqual(expected, msgSignature)) {
        throw new PushError('bad_signature', 'msg_signature does not match the Encrypt field');
      }
      // The inner message has no Content-Type of its own: sniff it.
      return parseEnvelope(crypto.decrypt(encrypt), undefined);
    }
    if (encryptType !== null && encryptType !== '' && encryptType !== 'raw') {
      throw new PushError('unsupported_encrypt_type', 'encrypt_type must be "aes" or absent');
    }
    if (deps.requireEncryption) {
      throw new PushError('encryption_required', 'plaintext push refused: safe mode is required');
    }
    const doc = parseEnvelope(text, req.contentType);
    if (own(doc, 'Encrypt') !== undefined) {
      // Without encrypt_type=aes there is no msg_signature to check the ciphertext against, and
      // plaintext fields beside it would be unauthenticated: refuse rather than guess.
      throw new PushError(
        'unexpected_encrypt',
        'body carries an Encrypt field but the query has no encrypt_type=aes',
      );
    }
    return doc;
  }

  async function handlePost(req: PushRequest, log: Logger): Promise<PushResponse> {
    const size = typeof req.body === 'string' ? Buffer.byteLength(req.body) : req.body.length;
    if (size > maxBodyBytes) {
      throw new PushError(
        'too_large',
        `body is ${size} bytes, over the ${maxBodyBytes}-byte limit`,
      );
    }
    const signed = verify(req.query);
    const text = decodeBody(req.body);
    const document = readDocument(req, signed, text);
    // A verified query is good for one request: replaying it (say with a forged plaintext body)
    // inside the freshness window is refused, across processes when the dedup store is shared.
    const replayKey = `${signed.timestamp}:${req.query.get('signature') ?? ''}`;
    if (!(await replay.firstSeen(replayKey, replayTtlSeconds))) {
      throw new PushError('replay', 'timestamp, nonce and signature were already used');
    }
    let event;
    try {
      event = normalizeEvent(document);
    } catch (error) {
      await releaseClaim(replay, replayKey, log);
      throw error;
    }

    if (event.kind === 'other') {
      log.debug(
        { event: event.event, msgType: event.msgType },
        'push ignored: not a subscribe event',
      );
      observer.push({ event: event.kind, outcome: 'ignored' });
      return success();
    }
    const key = pushDedupKey(event);
    if (!(await dedup.firstSeen(key, dedupTtlSeconds))) {
      log.info({ event: event.event }, 'push ignored: delivery already handled');
      observer.push({ event: event.kind, outcome: 'duplicate' });
      return success();
    }
    try {
      await sink.apply(event);
    } catch (err) {
      log.error(
        { err, event: event.event },
        'push event could not be applied; replying 500 so WeChat retries',
      );
      await releaseClaim(dedup, key, log);
      await releaseClaim(replay, replayKey, log);
      observer.push({ event: event.kind, outcome: 'failed' });
      return reply(500);
    }
    log.info({ event: event.event, items: event.items.length }, 'push event applied');
    observer.push({ event: event.kind, outcome: 'applied' });
    return success();
  }

  async function releaseClaim(store: PushDedup, key: string, log: Logger): Promise<void> {
    try {
      await store.release(key);
    } catch (err) {
      log.error({ err }, 'push dedup release failed: the retry of this delivery may be dropped');
    }
  }

  return async function handlePush(req) {
    const method = req.method.toUpperCase();
    const log = req.requestId === undefined ? logger : logger.child({ requestId: req.requestId });
    try {
      if (method === 'GET') return handleGet(req);
      if (method === 'POST') return await handlePost(req, log);
      throw new PushError('method_not_allowed', `method ${method.slice(0, 16)} is not GET or POST`);
    } catch (err) {
      if (err instanceof PushError) {
        const fields = { reason: err.reason, status: err.status, method: method.slice(0, 16) };
        log.warn(
          err.field === undefined ? fields : { ...fields, field: err.field },
          `push request rejected: ${err.message}`,
        );
        observer.push({ event: 'unknown', outcome: err.reason });
        return reply(err.status);
      }
      log.error({ err }, 'push request failed unexpectedly; replying 500 so WeChat retries');
      observer.push({ event: 'unknown', outcome: 'failed' });
      return reply(500);
    }
  };
}

function decodeBody(body: Buffer | string): string {
  if (typeof body === 'string') return body;
  try {
    return utf8.decode(body);
  } catch {
    throw new PushError('malformed_body', 'body is not valid UTF-8');
  }
}

function own(doc: PushDocument, key: string): unknown {
  return Object.hasOwn(doc, key) ? doc[key] : undefined;
}

function success(): PushResponse {
  return { status: 200, body: 'success', contentType: TEXT };
}

function reply(status: number): PushResponse {
  return { status, body: GENERIC_BODIES[status] ?? 'error', contentType: TEXT };
}
