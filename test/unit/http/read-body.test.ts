import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { BodyTooLargeError, readBody, RequestAbortedError } from '../../../src/http/read-body.js';

/** A server whose one route reads the body with `limit` and reports the outcome. */
async function serve(limit: number) {
  const outcomes: Promise<Buffer | Error>[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const outcome = readBody(request, limit, response).then(
      (body) => body,
      (error: Error) => error,
    );
    outcomes.push(outcome);
    void outcome.then((result) => {
      if (response.destroyed) return;
      const body = result instanceof Error ? result.name : result;
      response.writeHead(result instanceof Error ? 413 : 200, {
        connection: 'close',
        'content-length': body.length,
      });
      response.end(body);
    });
  };
  const server: Server = createServer(handle);
  // As the gateway does: the route, not Node, decides whether to invite the body.
  server.on('checkContinue', handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, outcomes, port: (server.address() as AddressInfo).port };
}

/** Sends the head, then each part after a pause; `destroy` cuts the connection after the last. */
function send(port: number, head: string, parts: string[], destroy = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (data) => (text += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
    socket.on('connect', async () => {
      socket.write(head);
      for (const part of parts) {
        await new Promise((wait) => setTimeout(wait, 20));
        socket.write(part);
      }
      if (destroy) {
        await new Promise((wait) => setTimeout(wait, 20));
        socket.destroy();
      }
    });
  });
}

const head = (headers: string) => `POST / HTTP/1.1\r\nHost: t\r\n${headers}\r\n\r\n`;

describe('readBody', () => {
  let server: Server | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  it('joins a body that arrives in several pieces', async () => {
    const served = await serve(1000);
    server = served.server;
    const reply = await send(served.port, head('Content-Length: 15'), ['{"a":', '"b"', ',"c":1}']);
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(reply.endsWith('{"a":"b","c":1}')).toBe(true);
    expect(((await served.outcomes[0]) as Buffer).toString()).toBe('{"a":"b","c":1}');
  });

  it('stops at the limit of a body without a declared length', async () => {
    const served = await serve(10);
    server = served.server;
    const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
    const reply = await send(served.port, head('Transfer-Encoding: chunked'), [
      chunk('123456'),
      chunk('7890a'),
    ]);
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
    const outcome = await served.outcomes[0];
    expect(outcome).toBeInstanceOf(BodyTooLargeError);
    expect((outcome as BodyTooLargeError).limit).toBe(10);
  });

  it('refuses a declared length over the limit before reading', async () => {
    const served = await serve(10);
    server = served.server;
    const reply = await send(served.port, head('Content-Length: 11'), []);
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
    expect(await served.outcomes[0]).toBeInstanceOf(BodyTooLargeError);
  });

  it('reports a client that leaves mid-body, with what had arrived', async () => {
    const served = await serve(1000);
    server = served.server;
    await send(served.port, head('Content-Length: 100'), ['{"query":'], true);
    const outcome = await served.outcomes[0];
    expect(outcome).toBeInstanceOf(RequestAbortedError);
    expect((outcome as RequestAbortedError).received).toBe(9);
  });

  it('invites the body of a client waiting for 100 Continue, then reads it', async () => {
    const served = await serve(1000);
    server = served.server;
    const reply = await send(served.port, head('Content-Length: 2\r\nExpect: 100-continue'), [
      '{}',
    ]);
    expect(reply).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200/);
    expect(reply.endsWith('{}')).toBe(true);
  });
});
