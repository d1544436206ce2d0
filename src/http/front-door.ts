import type { ServerResponse } from 'node:http';
import type { Route } from './router.js';

/**
 * The short pages a person finds by typing the gateway's address into a browser: they say where
 * to go next instead of showing a JSON error. Static text, no script, nothing loaded from
 * anywhere (the policy forbids it); an empty inline icon, so browsers do not ask for /favicon.ico.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

function page(title: string, paragraphs: readonly string[]): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title>
<link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#f2f2f2;padding:0 .25em}</style>
</head>
<body>
<h1>${title}</h1>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
</body>
</html>
`;
}

const API_USAGE =
  'API clients send GraphQL to <code>POST /graphql</code> with <code>Content-Type: application/json</code> and, when API keys are configured, <code>Authorization: Bearer &lt;key&gt;</code>.';
const DOCS =
  'The project README explains the API, the configuration and how to go live; <code>GET /healthz</code> tells whether the gateway is up.';

export const PLAYGROUND_OFF_PAGE = page('The playground is off', [
  'This is the gateway’s GraphQL endpoint. Its in-browser playground is not served here because it is turned off.',
  'To turn it on, set <code>PLAYGROUND=true</code> in the gateway’s environment and restart it; then open this address again.',
  API_USAGE,
  DOCS,
]);

export const HOME_PAGE = page('wechat-subscribe-gateway', [
  'A GraphQL gateway for WeChat Mini Program subscribe messages.',
  'The in-browser playground is off: set <code>PLAYGROUND=true</code> and restart the gateway to serve it at <a href="/graphql">/graphql</a>.',
  API_USAGE,
  DOCS,
]);

function sendPage(response: ServerResponse, html: string): void {
  response.writeHead(200, PAGE_HEADERS);
  response.end(html);
}

export const playgroundOffRoute: Route = (_request, response) =>
  sendPage(response, PLAYGROUND_OFF_PAGE);

/** `GET /`: the playground when it is on, else a page saying where things are. */
export function homeRoute(playground: boolean): Route {
  return (_request, response) => {
    if (playground) {
      response.writeHead(302, { location: '/graphql', 'content-type': 'text/plain' });
      response.end('The playground is at /graphql\n');
      return;
    }
    sendPage(response, HOME_PAGE);
  };
}
