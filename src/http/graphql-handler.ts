import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { AppServices, GatewayContext } from '../schema/context.js';
import type { AppDirectory } from '../services/apps/app-directory.js';
import { ErrorCode } from '../shared/errors.js';
import type { AuthResult } from './authenticate.js';
import { BodyTooLargeError, readBody } from './read-body.js';

const MAX_BODY_BYTES = 1024 * 1024;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/**
 * Apollo Server on a bare node:http server (no framework): one body read, one JSON parse, and
 * the caller's role resolved before execution, so an unknown key is a 401 with no work done.
 */
export function createGraphQLHandler(options: {
  apollo: ApolloServer<GatewayContext>;
  apps: AppDirectory<AppServices>;
  authenticate: (authorization: string | undefined) => AuthResult;
}) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    let body: unknown;
    if (request.method === 'POST') {
      let raw: Buffer;
      try {
        raw = await readBody(request, MAX_BODY_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          return sendJson(response, 413, {
            errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }],
          });
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
      context: async () => {
        const auth = options.authenticate(request.headers.authorization);
        if (!auth.ok) {
          throw new GraphQLError(auth.reason, {
            extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
          });
        }
        return { role: auth.role, scope: { apps: auth.apps }, apps: options.apps };
      },
    });
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of result.headers) responseHeaders[name] = value;
    if (result.status === 401) responseHeaders['www-authenticate'] = 'Bearer';
    response.writeHead(result.status ?? 200, responseHeaders);
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };
}
