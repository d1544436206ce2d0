/**
 * The simulator's transport-neutral request/response pair. Route handlers are plain functions
 * from SimRequest to SimResponse, so the node:http adaptor is the only code that touches sockets.
 */
export interface SimRequest {
  method: string;
  /** The URL path, without the query. */
  path: string;
  query: URLSearchParams;
  /** The raw body, decoded as UTF-8 ('' when there is none). */
  body: string;
  /** The Accept header, for the few control pages that also speak HTML. */
  accept?: string;
}

export interface SimResponse {
  status: number;
  /** Already-serialised JSON, so 64-bit numbers can be written as bare digits (or HTML, see headers). */
  body: string;
  /** Extra or replacing headers; the default Content-Type is JSON. */
  headers?: Record<string, string>;
  /** The WeChat errcode this reply carries (0 for success), for the counters. */
  errcode?: number;
  /** Runs after the response is written: WeChat's event pushes follow its reply, never precede it. */
  afterResponse?: () => Promise<void>;
  /** The call was carried out, but its answer is lost: the connection is cut instead of written. */
  hangUp?: boolean;
}

export function jsonResponse(value: unknown, status = 200): SimResponse {
  return { status, body: JSON.stringify(value) };
}

export type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/** Parses a body that must be a JSON object; `reason` says what is wrong otherwise. */
export function parseJsonObject(body: string): JsonBody {
  if (body.trim() === '')
    return { ok: false, reason: 'the body is empty (expected a JSON object)' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `the body is not JSON: ${detail}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `the body must be a JSON object, got ${describeJson(value)}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `${typeof value} ${JSON.stringify(value)}`;
}
