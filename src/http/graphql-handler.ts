import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { AppServices, GatewayContext } from '../schema/context.js';
import type { AppDirectory } from '../services/apps/app-directory.js';
import { ErrorCode } from '../shared/errors.js';
import type { AuthResult } from './authenticate.js';
import { requestLogOf } from './request-registry.js';
import { BodyTooLargeError, readBody } from './read-body.js';

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Apollo Server on a bare node:http server (no framework): the key checked from the headers
 * before a byte of body is read (an anonymous upload costs the server nothing), one bounded body
 * read, one JSON parse.
 */
export function createGraphQLHandler(options: {
  apollo: ApolloServer<GatewayContext>;
  apps: AppDirectory<AppServices>;
  authenticate: (authorization: string | undefined) => AuthResult;
  /** Largest request body accepted (MAX_BODY_BYTES). */
  maxBodyBytes: number;
}) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const auth = options.authenticate(request.headers.authorization);
    if (!auth.ok) {
      // The unread body stays on the wire; closing is the only way not to read it.
      return sendJson(
        response,
        401,
        { errors: [{ message: auth.reason, extensions: { code: ErrorCode.UNAUTHENTICATED } }] },
        { 'www-authenticate': 'Bearer', connection: 'close' },
      );
    }
    let body: unknown;
    if (request.method === 'POST') {
      let raw: Buffer;
      try {
        raw = await readBody(request, options.maxBodyBytes, response);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          return sendJson(
            response,
            413,
            {
              errors: [
                {
                  message: `${error.message} (MAX_BODY_BYTES)`,
                  extensions: { code: 'PAYLOAD_TOO_LARGE', limit: error.limit },
                },
              ],
            },
            { connection: 'close' },
          );
        }
        throw error;
      }
      const contentType = request.headers['content-type'] ?? '';
      if (contentType.includes('application/json')) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return sendJson(response, 400, {
            errors: [
              { message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } },
            ],
          });
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: () =>
        Promise.resolve({
          role: auth.role,
          scope: { apps: auth.apps },
          apps: options.apps,
          requestLog: requestLogOf(request),
        }),
    });
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of result.headers) responseHeaders[name] = value;
    response.writeHead(result.status ?? 200, responseHeaders);
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };
}
