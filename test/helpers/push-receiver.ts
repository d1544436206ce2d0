import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPush {
  query: URLSearchParams;
  contentType: string | undefined;
  body: string;
}

export type Answer = (res: ServerResponse) => void;

/** A loopback push receiver that records each request and answers from a script. */
export class PushReceiver {
  readonly requests: ReceivedPush[] = [];
  answers: Answer[] = [];
  fallback: Answer = (res) => res.end('success');
  private server!: Server;
  private readonly held: ServerResponse[] = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/wechat/push`;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.requests.push({
      query: new URL(req.url!, 'http://x').searchParams,
      contentType: req.headers['content-type'],
      body: Buffer.concat(chunks).toString('utf8'),
    });
    (this.answers.shift() ?? this.fallback)(res);
  }

  /** An answer that never comes (until the test ends). */
  hang: Answer = (res) => {
    this.held.push(res);
  };

  reset(): void {
    this.requests.length = 0;
    this.answers = [];
    for (const res of this.held.splice(0)) res.destroy();
  }

  async stop(): Promise<void> {
    this.reset();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
