import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** Where the gateway is and which key to present; read from the environment by default. */
export interface GatewayConnection {
  /** e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** One key of the gateway's GATEWAY_API_KEYS (role sender for these flows); none in the sandbox. */
  apiKey?: string;
}

export function gatewayFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayConnection {
  return {
    url: env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql',
    ...(env.GATEWAY_API_KEY ? { apiKey: env.GATEWAY_API_KEY } : {}),
  };
}

export interface GatewayErrorEntry {
  message: string;
  extensions?: { code?: string; field?: string };
}

/**
 * The gateway answered with GraphQL errors, not with GraphQL at all, or could not be reached
 * (status 0): nothing was sent.
 */
export class GatewayRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: readonly GatewayErrorEntry[],
  ) {
    super(message);
    this.name = 'GatewayRequestError';
  }

  /** e.g. BAD_USER_INPUT, NO_SUBSCRIPTION, UNAUTHENTICATED: what to branch on. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/**
 * Runs one codegen-typed operation. The document carries both the result type and the variables
 * type, so a misspelt or missing template keyword is a compile error here, not a 47003 from
 * WeChat at run time.
 */
export async function request<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  connection: GatewayConnection = gatewayFromEnv(),
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(connection.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(connection.apiKey ? { authorization: `Bearer ${connection.apiKey}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
  } catch (error) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new GatewayRequestError(
      `Cannot reach the gateway at ${connection.url}: ${reason} (is it running? \`npm start\`, or set GATEWAY_URL)`,
      0,
      [],
    );
  }
  const body = (await response.json().catch(() => null)) as {
    data?: TResult | null;
    errors?: GatewayErrorEntry[];
  } | null;
  if (!body) {
    throw new GatewayRequestError(
      `Gateway answered HTTP ${response.status} without JSON`,
      response.status,
      [],
    );
  }
  if (body.errors?.length || !body.data) {
    const errors = body.errors ?? [];
    const summary = errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
    throw new GatewayRequestError(
      summary || 'Gateway answered without data',
      response.status,
      errors,
    );
  }
  return body.data;
}
