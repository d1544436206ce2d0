import type { Logger } from '../shared/logger.js';
import type { PushHandler } from '../services/push/handler.js';
import { requestLogOf } from './request-registry.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import type { Route } from './router.js';

const MAX_PUSH_BYTES = 64 * 1024;

/** WeChat's message-push URL on node:http: the transport-free handler does the real work. */
export function createPushRoute(handler: PushHandler, logger: Logger): Route {
  return async (request, response, url) => {
    const requestId = requestLogOf(request)?.id;
    let body: Buffer;
    try {
      body =
        request.method === 'POST'
          ? await readBody(request, MAX_PUSH_BYTES, response)
          : Buffer.alloc(0);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      logger.warn(
        { reason: 'too_large', status: 413, limit: MAX_PUSH_BYTES, requestId },
        'push request rejected: body over 64 KiB',
      );
      response.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
      response.end('payload too large');
      return;
    }
    const result = await handler({
      method: request.method ?? 'GET',
      query: url.searchParams,
      contentType: request.headers['content-type'],
      body,
      requestId,
    });
    response.writeHead(result.status, { 'content-type': result.contentType });
    response.end(result.body);
  };
}
