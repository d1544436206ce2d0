import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../shared/logger.js';
import type { SimRequest, SimResponse } from './sim-http.js';

/** Bodies above this are refused: the simulator only ever receives small JSON documents. */
const MAX_BODY_BYTES = 1024 * 1024;

export type SimHandler = (request: SimRequest) => Promise<SimResponse>;

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError(`request body exceeds ${MAX_BODY_BYTES} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, response: SimResponse): Promise<void> {
  return new Promise((resolve) => {
    res.writeHead(response.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(response.body),
      ...response.headers,
    });
    // 'close' too: a client that hangs up early must not leave the after-response hook waiting.
    res.once('close', () => resolve());
    res.end(response.body, () => resolve());
  });
}

/**
 * Serves `handle` over node:http and tracks the after-response work (event-push hooks), so that
 * `close()` can wait for it instead of leaving pushes running against a stopped test.
 */
export class SimHttpServer {
  private server: Server | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly handle: SimHandler,
    private readonly logger: Logger,
  ) {}

  async listen(port: number, host: string): Promise<string> {
    if (this.server) throw new Error('the simulator is already listening');
    const server = createServer((req, res) => void this.serve(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shownHost}:${address.port}`;
  }

  /** Resolves once every after-response hook started so far has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await this.idle();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    let response: SimResponse;
    try {
      const body = await readBody(req);
      response = await this.handle({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        body,
        ...(req.headers.accept === undefined ? {} : { accept: req.headers.accept }),
      });
    } catch (error) {
      const tooLarge = error instanceof BodyTooLargeError;
      if (!tooLarge)
        this.logger.error({ err: error, path: url.pathname }, 'simulator handler failed');
      response = {
        status: tooLarge ? 413 : 500,
        body: JSON.stringify({ message: error instanceof Error ? error.message : String(error) }),
      };
    }
    if (response.hangUp) res.socket?.destroy();
    else await write(res, response);
    if (response.afterResponse) this.track(response.afterResponse);
  }

  private track(work: () => Promise<void>): void {
    const running: Promise<void> = work()
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'simulator after-response hook failed'),
      )
      .finally(() => this.pending.delete(running));
    this.pending.add(running);
  }
}
