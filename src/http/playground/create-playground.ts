import { AssetTable, resolveAssetSources, type AssetResponse } from './assets.js';
import { CONTENT_SECURITY_POLICY_HEADER, renderPage, type PageSettings } from './page.js';

export interface PlaygroundTab {
  /** Shown as a `# name` comment heading the query (GraphiQL titles tabs by operation name). */
  name?: string;
  query: string;
  /** JSON object text, as typed into the Variables editor. */
  variables?: string;
  /** JSON object text, as typed into the Headers editor. */
  headers?: string;
}

export interface PlaygroundOptions {
  /** Same-origin path of the GraphQL endpoint, e.g. '/graphql'. */
  endpoint: string;
  /** Path prefix the assets are served under, e.g. '/playground/assets'. */
  assetsPath: string;
  title?: string;
  tabs: PlaygroundTab[];
  /** Headers editor content for tabs that bring none, e.g. '{"Authorization": "Bearer <key>"}'. */
  defaultHeaders?: string;
}

export interface Playground {
  /** The page; it loads scripts and styles from assetsPath only. */
  html(): string;
  /** Headers to send with html(): the CSP as a header too (adds frame-ancestors), no caching. */
  htmlHeaders(): Record<string, string>;
  /** An asset under assetsPath (404 when not in the allow-list); null when not under assetsPath. */
  asset(pathname: string): AssetResponse | null;
}

export class PlaygroundOptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid playground options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PlaygroundOptionsError';
  }
}

const DEFAULT_TITLE = 'GraphQL playground';
const PATH_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/** Same-origin absolute path: the CSP allows 'self' only, and a '//' path would leave the origin. */
function checkPath(name: string, value: unknown, problems: string[]): string {
  if (typeof value !== 'string') {
    problems.push(`${name} must be a string path such as /graphql`);
    return '';
  }
  const trimmed = value.replace(/\/+$/, '');
  const segments = trimmed.split('/').slice(1);
  if (
    !value.startsWith('/') ||
    segments.length === 0 ||
    !segments.every((s) => PATH_SEGMENT.test(s))
  ) {
    problems.push(
      `${name} must be a same-origin path like /a/b made of letters, digits, '.', '_', '~', '-' (got ${JSON.stringify(value)})`,
    );
  }
  return trimmed;
}

function checkJsonObject(name: string, value: unknown, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return;
    } catch {
      // reported below
    }
  }
  problems.push(
    `${name} must be the text of a JSON object, e.g. '{"Authorization": "Bearer <key>"}'`,
  );
}

function withNameHeading(tab: PlaygroundTab): string {
  const name = tab.name?.replace(/\s+/g, ' ').trim();
  if (!name) return tab.query;
  const heading = `# ${name}`;
  return tab.query.startsWith(heading) ? tab.query : `${heading}\n${tab.query}`;
}

function checkOptions(options: PlaygroundOptions): PageSettings {
  const problems: string[] = [];
  const endpoint = checkPath('endpoint', options.endpoint, problems);
  const assetsPath = checkPath('assetsPath', options.assetsPath, problems);
  const title = options.title ?? DEFAULT_TITLE;
  if (typeof title !== 'string' || title.trim() === '')
    problems.push('title must be a non-empty string');
  checkJsonObject('defaultHeaders', options.defaultHeaders, problems);
  if (!Array.isArray(options.tabs)) problems.push('tabs must be an array (it may be empty)');
  const tabs = Array.isArray(options.tabs) ? options.tabs : [];
  tabs.forEach((tab, index) => {
    const label = `tabs[${index}]${typeof tab?.name === 'string' ? ` (${tab.name})` : ''}`;
    if (typeof tab?.query !== 'string' || tab.query.trim() === '') {
      problems.push(`${label}.query must be a non-empty string`);
    }
    checkJsonObject(`${label}.variables`, tab?.variables, problems);
    checkJsonObject(`${label}.headers`, tab?.headers, problems);
  });
  if (problems.length > 0) throw new PlaygroundOptionsError(problems);
  return {
    endpoint,
    assetsPath,
    title,
    // Tabs without headers get none here, so GraphiQL falls back to defaultHeaders for them.
    // No tabs at all is left out: GraphiQL opens its own default tab only for an absent list.
    ...(tabs.length === 0
      ? {}
      : {
          tabs: tabs.map((tab) => ({
            query: withNameHeading(tab),
            ...(tab.variables === undefined ? {} : { variables: tab.variables }),
            ...(tab.headers === undefined ? {} : { headers: tab.headers }),
          })),
        }),
    ...(options.defaultHeaders === undefined ? {} : { defaultHeaders: options.defaultHeaders }),
  };
}

/**
 * Options are checked at once (a bad path or header text fails at startup, naming the field);
 * package files are located on first use and each asset is read on its first request.
 */
export function createPlayground(options: PlaygroundOptions): Playground {
  const settings = checkOptions(options);
  let resolved: { page: string; table: AssetTable } | undefined;
  const resolve = () => {
    if (!resolved) {
      const { names, sources } = resolveAssetSources();
      resolved = {
        page: renderPage(settings, names),
        table: new AssetTable(settings.assetsPath, sources),
      };
    }
    return resolved;
  };
  return {
    html: () => resolve().page,
    htmlHeaders: () => ({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': CONTENT_SECURITY_POLICY_HEADER,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    }),
    asset: (pathname) => resolve().table.lookup(pathname),
  };
}
