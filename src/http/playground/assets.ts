import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PLAYGROUND_STYLESHEET } from './page-style.js';

/**
 * The IDE's static files, served by the gateway itself so the page works without internet access.
 * Only the names in this table exist: a request path is looked up, never joined onto a directory,
 * so nothing outside the table (`..`, encoded slashes, source maps) can be reached.
 *
 * Public names carry the package version (or a content hash for our own stylesheet), which is what
 * makes a one-year immutable cache safe: an upgrade changes the name.
 */
export interface AssetResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface PlaygroundAssetNames {
  readonly reactJs: string;
  readonly reactDomJs: string;
  readonly graphiqlJs: string;
  readonly graphiqlCss: string;
  readonly playgroundCss: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface AssetSource {
  readonly name: string;
  readonly contentType: string;
  load(): Buffer;
}

const require = createRequire(import.meta.url);

function packageVersion(pkg: string): string {
  const { version } = require(`${pkg}/package.json`) as { version: string };
  return version;
}

/**
 * react and react-dom declare `exports` maps that hide `umd/*` from require.resolve, so their UMD
 * builds are found next to the (exported) package.json instead.
 */
function umdFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'umd', file);
}

/**
 * The minified bundles end with a sourceMappingURL comment. The maps are not served (6 MB that no
 * user needs), so the comment is removed: otherwise opening DevTools requests a file that 404s.
 */
function withoutSourceMapComment(file: Buffer, kind: 'js' | 'css'): Buffer {
  // latin1 maps bytes 1:1, so the rest of the file is passed through untouched.
  const text = file.toString('latin1');
  const trailer =
    kind === 'js' ? /\/\/[#@] sourceMappingURL=\S+\s*$/ : /\/\*[#@] sourceMappingURL=[^*]*\*\/\s*$/;
  return Buffer.from(text.replace(trailer, '\n'), 'latin1');
}

function readPackageFile(path: string, kind: 'js' | 'css'): () => Buffer {
  return () => withoutSourceMapComment(readFileSync(path), kind);
}

export function resolveAssetSources(): { names: PlaygroundAssetNames; sources: AssetSource[] } {
  const react = packageVersion('react');
  const reactDom = packageVersion('react-dom');
  const graphiql = packageVersion('graphiql');
  const stylesheet = Buffer.from(PLAYGROUND_STYLESHEET, 'utf8');
  const styleHash = createHash('sha256').update(stylesheet).digest('hex').slice(0, 12);
  const names: PlaygroundAssetNames = {
    reactJs: `react-${react}.production.min.js`,
    reactDomJs: `react-dom-${reactDom}.production.min.js`,
    graphiqlJs: `graphiql-${graphiql}.min.js`,
    graphiqlCss: `graphiql-${graphiql}.min.css`,
    playgroundCss: `playground-${styleHash}.css`,
  };
  const sources: AssetSource[] = [
    {
      name: names.reactJs,
      contentType: JS,
      load: readPackageFile(umdFile('react', 'react.production.min.js'), 'js'),
    },
    {
      name: names.reactDomJs,
      contentType: JS,
      load: readPackageFile(umdFile('react-dom', 'react-dom.production.min.js'), 'js'),
    },
    {
      name: names.graphiqlJs,
      contentType: JS,
      load: readPackageFile(require.resolve('graphiql/graphiql.min.js'), 'js'),
    },
    {
      name: names.graphiqlCss,
      contentType: CSS,
      load: readPackageFile(require.resolve('graphiql/graphiql.min.css'), 'css'),
    },
    { name: names.playgroundCss, contentType: CSS, load: () => stylesheet },
  ];
  return { names, sources };
}

/** Serves the table under `assetsPath`, reading each file once, on its first request. */
export class AssetTable {
  private readonly cache = new Map<string, AssetResponse>();
  private readonly byName: ReadonlyMap<string, AssetSource>;

  constructor(
    private readonly assetsPath: string,
    sources: readonly AssetSource[],
  ) {
    this.byName = new Map(sources.map((s) => [s.name, s]));
  }

  /** null: not under assetsPath (someone else's route). 404: under it, but not one of ours. */
  lookup(pathname: string): AssetResponse | null {
    const prefix = `${this.assetsPath}/`;
    if (!pathname.startsWith(prefix)) return null;
    const name = pathname.slice(prefix.length);
    const source = this.byName.get(name);
    if (!source) return notFound();
    let response = this.cache.get(name);
    if (!response) {
      const body = source.load();
      response = {
        status: 200,
        headers: {
          'content-type': source.contentType,
          'content-length': String(body.length),
          'cache-control': IMMUTABLE,
          'x-content-type-options': 'nosniff',
        },
        body,
      };
      this.cache.set(name, response);
    }
    // The body is shared (read once); the headers are the caller's to extend.
    return { ...response, headers: { ...response.headers } };
  }
}

function notFound(): AssetResponse {
  const body = Buffer.from('Not found\n', 'utf8');
  return {
    status: 404,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(body.length),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body,
  };
}
