import { connect } from 'node:net';

export interface RawExchange {
  /** Every byte the server sent, as latin1 text. */
  text: string;
  /** The first response's status, or null when the server sent nothing parseable. */
  status: number | null;
  /** The first response's headers, names lower-cased. */
  headers: Record<string, string>;
  /** Whether the server closed the connection (as opposed to the wait running out). */
  closed: boolean;
  /** Whether writing the request failed because the server had already closed. */
  writeFailed: boolean;
}

export function parseFirstResponse(text: string): Pick<RawExchange, 'status' | 'headers'> {
  const match = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(text);
  if (!match) return { status: null, headers: {} };
  const head = text.slice(match[0].length, text.indexOf('\r\n\r\n'));
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(match[1]), headers };
}

/**
 * Writes `chunks` to a fresh TCP connection (the request as bytes, nothing checked or fixed up by
 * an HTTP client) and collects what comes back until the server closes or `waitMs` runs out.
 */
export function rawExchange(
  port: number,
  chunks: readonly (string | Buffer)[],
  options: { waitMs?: number; host?: string } = {},
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, options.host ?? '127.0.0.1');
    const received: Buffer[] = [];
    let writeFailed = false;
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      resolve({ text, ...parseFirstResponse(text), closed, writeFailed });
    };
    const timer = setTimeout(finish, options.waitMs ?? 5000);
    socket.on('data', (data) => received.push(data));
    socket.on('error', () => {
      writeFailed = true;
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('connect', () => {
      for (const chunk of chunks) if (!socket.destroyed) socket.write(chunk);
    });
  });
}
