import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpLimits } from '../config.js';
import type { Logger } from '../shared/logger.js';
import { writeRawErrorAndClose } from './raw-response.js';

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** Status for the errors Node's parser reports before a request exists. */
function clientErrorStatus(code: string | undefined): number {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

export interface EdgeServer {
  server: Server;
  /** Hands requests to `listener` (the routes exist only after the server: Apollo drains it). */
  serve(listener: RequestListener): void;
  /**
   * The first step of a shutdown: every response not yet under way, the ones in flight included,
   * is sent with `Connection: close`, so a client's keep-alive connection ends with its answer
   * instead of being cut by the drain's deadline.
   */
  endKeepAlive(): void;
}

/**
 * The gateway's HTTP server with every limit explicit (Node's defaults let one client hold a
 * socket and a body buffer for five minutes) and every response it can produce, including the
 * ones Node writes before a route runs, marked `X-Content-Type-Options: nosniff`.
 */
export function createEdgeServer(options: { limits: HttpLimits; logger: Logger }): EdgeServer {
  const { limits, logger } = options;
  let listener: RequestListener | null = null;
  // The response a socket is serving, so a parser error mid-request does not write a second
  // status line into a response already under way.
  const serving = new WeakMap<Socket, ServerResponse>();
  const open = new Set<ServerResponse>();
  let closing = false;
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (closing) response.setHeader('connection', 'close');
    open.add(response);
    response.once('close', () => open.delete(response));
    // Kept here: by the time the response closes, request.socket may already be detached.
    const socket = request.socket;
    serving.set(socket, response);
    response.once('close', () => {
      if (serving.get(socket) === response) serving.delete(socket);
    });
    if (!listener) {
      response.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
      response.end(JSON.stringify({ error: 'starting' }));
      return;
    }
    // The router answers every error itself; this only keeps a bug there from escaping.
    listener(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'request listener failed');
      response.destroy();
    });
  };

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts on this interval (30 s by default): a 30 s request timeout
      // would otherwise cut a slow body anywhere between 30 and 60 s.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, limits.headersTimeoutMs / 2)),
      // Node's own missing-Host 400 would skip our headers; the router refuses it instead.
      requireHostHeader: false,
    },
    handle,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A peer that reset: nobody to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(error.code);
    const refuse = () =>
      writeRawErrorAndClose(
        socket,
        status,
        status === 408 ? 'request timeout' : status === 431 ? 'headers too large' : 'bad request',
      );
    const inFlight = serving.get(socket as Socket);
    if (inFlight && !inFlight.headersSent) {
      // Mid-request (a timeout, a broken body): the route reading it logs the abort.
      refuse();
    } else if (!inFlight || inFlight.writableFinished) {
      logger.debug({ code: error.code }, 'malformed request refused');
      refuse();
    } else if (inFlight.writableEnded) {
      // A bad request right behind a good one: the good one's answer goes out first.
      logger.debug({ code: error.code }, 'malformed request refused');
      inFlight.once('finish', refuse);
    } else {
      // Half a response is on the wire: a status line now would corrupt it.
      socket.destroy();
    }
  });
  // A proxy tunnel is not something this server offers; without a listener Node just drops it.
  server.on('connect', (_request: IncomingMessage, socket: Duplex) =>
    writeRawErrorAndClose(socket, 405, 'method not allowed'),
  );
  // Node would answer an unknown Expect with its own bare 417.
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.writeHead(417, { 'content-type': 'application/json', connection: 'close' });
    response.end(JSON.stringify({ error: 'expectation failed' }));
  });
  // `Expect: 100-continue` goes through the routes: the body is invited only once the headers
  // pass (see readBody), so a refused client never sends it.
  server.on('checkContinue', handle);
  return {
    server,
    serve: (next) => {
      listener = next;
    },
    endKeepAlive: () => {
      closing = true;
      for (const response of open)
        if (!response.headersSent) response.setHeader('connection', 'close');
    },
  };
}

export class PortInUseError extends Error {
  /** `setting`: the variable that chose the port, named in what to do about it. */
  constructor(port: number, host: string, setting = 'PORT') {
    super(
      `port ${port} on ${host} is already in use: stop the process using it, or set ${setting} to a free port (${setting}=0 picks one)`,
    );
    this.name = 'PortInUseError';
  }
}

/** Starts listening; a taken port is an error that says what to do about it. */
export async function startListening(
  server: Server,
  port: number,
  host: string,
  logger: Logger,
  setting = 'PORT',
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host, setting) : error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // After start-up an accept error (EMFILE: out of file descriptors) must not kill the process.
  server.on('error', (error) => logger.error({ err: error }, 'HTTP server error'));
}

/** The URL clients reach a listening server at: loopback when it listens on every interface. */
export function listeningUrl(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
