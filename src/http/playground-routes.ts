import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Kind, parse, print, type DefinitionNode } from 'graphql';
import { projectFile } from '../shared/project-file.js';
import { createPlayground, wantsPlayground, type PlaygroundTab } from './playground/index.js';
import { homeRoute, playgroundOffRoute } from './front-door.js';
import type { Route } from './router.js';

export const PLAYGROUND_ASSETS_PATH = '/playground/assets';
const ASSETS_PATH = PLAYGROUND_ASSETS_PATH;

/** Tabs whose sample variables name a sandbox demo app (`clinic`): live apps have other names. */
const SANDBOX_ONLY_TABS = new Set(['SubscribeInApp']);

/** The example operations (examples/operations.graphql), one tab each, with sample variables. */
export function exampleTabs(sandbox: boolean): PlaygroundTab[] {
  const source = readFileSync(projectFile('examples', 'operations.graphql'), 'utf8');
  const document = parse(source);
  const variables = JSON.parse(
    readFileSync(projectFile('examples', 'operations.variables.json'), 'utf8'),
  ) as Record<string, unknown>;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const usesFragment = (definition: DefinitionNode) => print(definition).includes('...');
  return document.definitions.flatMap((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) return [];
    const name = definition.name.value;
    if (!sandbox && SANDBOX_ONLY_TABS.has(name)) return [];
    const query =
      commentAbove(source, definition.loc?.start ?? 0) +
      [definition, ...(usesFragment(definition) ? fragments : [])]
        .map((d) => print(d))
        .join('\n\n');
    const sample = variables[name];
    return [{ query, ...(sample ? { variables: JSON.stringify(sample, null, 2) } : {}) }];
  });
}

/**
 * The comment lines right above an operation in the source (print() drops comments): what to
 * run first, or what the tab shows, stays with the tab.
 */
function commentAbove(source: string, start: number): string {
  const above = source.slice(0, start).split('\n').slice(0, -1);
  const comment: string[] = [];
  while (above.length > 0 && above[above.length - 1]!.startsWith('#'))
    comment.unshift(above.pop()!);
  return comment.length > 0 ? `${comment.join('\n')}\n` : '';
}

/**
 * What a browser gets from the gateway: the playground at `GET /graphql` when it is on, a page
 * saying how to turn it on when it is off, and a pointer at `GET /` either way.
 */
export function createPlaygroundRoutes(options: { sandbox: boolean; enabled: boolean }) {
  const wantsPage = (request: IncomingMessage) =>
    wantsPlayground(request.method ?? 'GET', request.headers.accept);
  if (!options.enabled) {
    return {
      wantsPage,
      page: playgroundOffRoute,
      assets: null,
      routes: new Map<string, Route>([['/', homeRoute(false)]]),
    };
  }
  const playground = createPlayground({
    endpoint: '/graphql',
    assetsPath: ASSETS_PATH,
    title: options.sandbox
      ? 'wechat-subscribe-gateway · sandbox (embedded WeChat simulator)'
      : 'wechat-subscribe-gateway',
    tabs: exampleTabs(options.sandbox),
    defaultHeaders: options.sandbox ? '{}' : '{"Authorization": "Bearer <your API key>"}',
  });
  const page: Route = (_request, response) => {
    response.writeHead(200, playground.htmlHeaders());
    response.end(playground.html());
  };
  const assets: Route = (_request, response, url) => {
    const asset = playground.asset(url.pathname);
    if (!asset) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'not found' }));
      return;
    }
    response.writeHead(asset.status, asset.headers);
    response.end(asset.body);
  };
  const redirect: Route = (_request, response) => {
    response.writeHead(302, { location: '/graphql' });
    response.end();
  };
  return {
    wantsPage,
    page,
    assets: assets as Route | null,
    routes: new Map<string, Route>([
      ['/playground', redirect],
      ['/', homeRoute(true)],
    ]),
  };
}
