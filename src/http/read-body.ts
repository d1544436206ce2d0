import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The client went away (or was cut off at the request timeout) before its body arrived. */
export class RequestAbortedError extends Error {
  constructor(readonly received: number) {
    super('request aborted before its body was complete');
    this.name = 'RequestAbortedError';
  }
}

/**
 * Reads a request body, refusing more than `limit` bytes without buffering the excess. A client
 * that asked `Expect: 100-continue` is invited to send only here, once the headers have passed.
 */
export async function readBody(
  request: IncomingMessage,
  limit: number,
  response?: ServerResponse,
): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  if (response && /^100-continue$/i.test(request.headers.expect ?? '')) response.writeContinue();
  // Listeners, not `for await`: leaving that loop early destroys the socket, and the 413 with it.
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.pause();
        settle(() => reject(new BodyTooLargeError(limit)));
      } else chunks.push(chunk);
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks)));
    const onError = () => settle(() => reject(new RequestAbortedError(size)));
    const onClose = () => {
      if (!request.complete) settle(() => reject(new RequestAbortedError(size)));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
