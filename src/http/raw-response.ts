import type { Duplex } from 'node:stream';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
};

/**
 * An error response written straight to a socket, for requests Node refuses before any
 * ServerResponse exists (a request line or header it cannot parse, a timeout, CONNECT). The
 * connection is closed after it: what follows on the wire cannot be trusted to be a request.
 */
export function writeRawErrorAndClose(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  if (socket.writable) {
    socket.end(
      [
        `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
        'Connection: close',
        'Content-Type: application/json; charset=utf-8',
        'X-Content-Type-Options: nosniff',
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n'),
    );
  }
  // end() flushes and closes; destroySoon-like: make sure a half-open peer cannot keep it.
  socket.once('finish', () => socket.destroy());
  if (!socket.writable) socket.destroy();
}
