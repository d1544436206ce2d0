/**
 * The port between the WeChat client and the network. The client builds paths, queries and JSON
 * bodies; an adapter moves bytes. Kept narrow so the HTTP library can be swapped (got by default,
 * undici's Pool where CPU per request matters) without touching token or send logic.
 */
export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  /** May carry access_token: adapters must never put the URL into an error message or a log. */
  query?: Readonly<Record<string, string>>;
  json?: unknown;
}

export interface HttpResponse {
  statusCode: number;
  body: string;
}

export interface HttpTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/**
 * The request did not get a usable answer. `sent` tells whether WeChat may have seen the request:
 * false only when the connection was never made, which makes even a POST safe to retry.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly sent: boolean,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Connection errors that happen before any byte of the request reaches the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function transportErrorFrom(error: unknown, path: string): TransportError {
  const code = (error as { code?: string }).code ?? 'UNKNOWN';
  // The original message may embed the full URL, access_token included: keep only the code.
  return new TransportError(
    `WeChat ${path} unreachable (${code})`,
    code,
    !NOT_SENT_CODES.has(code),
  );
}

export function buildSearch(query: Readonly<Record<string, string>> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams(query).toString();
  return search ? `?${search}` : '';
}
