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
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new BodyTooLargeError(limit);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || request.destroyed) {
      throw new RequestAbortedError(size);
    }
    throw error;
  }
  return Buffer.concat(chunks);
}
