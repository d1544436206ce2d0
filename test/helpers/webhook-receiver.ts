import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureOf } from '../../src/services/delivery/status-webhook/webhook-poster.js';

export interface ReceivedCallback {
  body: { messageId: string; status: string; [key: string]: unknown };
  /** Whether the signature headers match the body under the receiver's secret. */
  valid: boolean;
  /** The HTTP status the receiver answered with. */
  answered: number;
}

export interface WebhookReceiver {
  /** For STATUS_WEBHOOK_URL. */
  url: string;
  /** Every callback so far, in arrival order. */
  received: ReceivedCallback[];
  close(): Promise<void>;
}

/**
 * A loopback status-webhook receiver: records each callback and answers it with what `answer`
 * returns then, so a test can make the gateway retry.
 */
export async function startWebhookReceiver(
  secret: string,
  answer: () => number,
): Promise<WebhookReceiver> {
  const received: ReceivedCallback[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const timestamp = String(request.headers['x-webhook-timestamp']);
      const valid = request.headers['x-webhook-signature'] === signatureOf(secret, timestamp, raw);
      const answered = answer();
      received.push({ body: JSON.parse(raw) as ReceivedCallback['body'], valid, answered });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
