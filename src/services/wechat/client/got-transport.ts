import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type Got } from 'got';
import {
  buildSearch,
  transportErrorFrom,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from './http-transport.js';

export interface GotTransportOptions {
  baseUrl: string;
  timeoutMs?: number;
  maxSockets?: number;
}

/** The default transport: one got instance for the process, keep-alive, no automatic retries. */
export function createGotTransport(options: GotTransportOptions): HttpTransport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  const agent = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const client: Got = got.extend({
    prefixUrl: options.baseUrl,
    agent,
    timeout: { request: options.timeoutMs ?? 10_000 },
    // Retries are decided by the service, which knows what WeChat may already have done.
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    decompress: true,
  });
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      try {
        const response = await client(
          request.path.replace(/^\//, '') + buildSearch(request.query),
          {
            method: request.method,
            ...(request.json === undefined ? {} : { json: request.json }),
            responseType: 'text',
          },
        );
        return { statusCode: response.statusCode, body: response.body };
      } catch (error) {
        throw transportErrorFrom(error, request.path);
      }
    },
    async close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}
