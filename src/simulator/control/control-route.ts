import { jsonResponse, type SimRequest, type SimResponse } from '../http/sim-http.js';

/** A control-surface endpoint under /__sim/; `summary` and `body` feed the `GET /__sim/` index. */
export interface ControlRoute {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  /** The JSON body (POST) or query (GET) it takes, in TypeScript-ish notation. */
  input?: string;
  handle(request: SimRequest): SimResponse | Promise<SimResponse>;
}

/** Control errors are plain HTTP: 400 with a message naming the problem (plus any details). */
export function badRequest(message: string, details: Record<string, unknown> = {}): SimResponse {
  return jsonResponse({ message, ...details }, 400);
}
