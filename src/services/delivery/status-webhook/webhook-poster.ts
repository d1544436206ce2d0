import { createHmac } from 'node:crypto';

export interface WebhookTarget {
  url: string;
  secret: string;
  timeoutMs?: number;
}

/**
 * POSTs one JSON body, signed: `X-Webhook-Timestamp` (unix seconds) and `X-Webhook-Signature`
 * (`sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the secret). Throws unless the receiver
 * answers 2xx, so the caller retries.
 */
export async function postSigned(
  target: WebhookTarget,
  body: string,
  now = Date.now(),
): Promise<void> {
  const timestamp = String(Math.floor(now / 1000));
  const signature = createHmac('sha256', target.secret)
    .update(`${timestamp}.${body}`)
    .digest('hex');
  const response = await fetch(target.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-webhook-timestamp': timestamp,
      'x-webhook-signature': `sha256=${signature}`,
    },
    body,
    signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299)
    throw new Error(`status webhook answered HTTP ${response.status}`);
}

/** For receivers: checks a body against its headers (constant-time). */
export function signatureOf(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
