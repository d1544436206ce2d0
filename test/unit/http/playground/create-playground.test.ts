import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  createPlayground,
  PlaygroundOptionsError,
  type PlaygroundOptions,
} from '../../../../src/http/playground/index.js';

const OPTIONS: PlaygroundOptions = {
  endpoint: '/graphql',
  assetsPath: '/playground/assets',
  title: 'Subscribe <Gateway> & "friends"',
  tabs: [
    { name: 'Templates', query: '{ templates { id name title } }' },
    {
      name: 'Send',
      query: 'mutation Send($input: SendInput!) { send(input: $input) { id } }',
      variables: '{"input": {"note": "</script><script>alert(1)</script>"}}',
      headers: '{"Authorization": "Bearer tab-key"}',
    },
  ],
  defaultHeaders: '{"Authorization": "Bearer <key>"}',
};

function attributeUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
}

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
}

function pageConfig(html: string): { endpoint: string; tabs: unknown[]; defaultHeaders?: string } {
  const match =
    /<script type="application\/json" id="wsg-playground-config">([\s\S]*?)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

function cspOf(html: string): Map<string, string[]> {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  expect(match).not.toBeNull();
  const policy = match![1]!.replace(/&#39;/g, "'");
  return new Map(
    policy.split(';').map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('createPlayground().html()', () => {
  const playground = createPlayground(OPTIONS);
  const html = playground.html();

  it('loads every script and stylesheet from assetsPath and names no other host', () => {
    const urls = attributeUrls(html);
    expect(urls.filter((u) => u.endsWith('.js'))).toHaveLength(3);
    expect(urls.filter((u) => u.endsWith('.css'))).toHaveLength(2);
    for (const url of urls) {
      expect(url === 'data:,' || url.startsWith('/playground/assets/')).toBe(true);
    }
    expect(html).not.toMatch(/https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
  });

  it("has a policy that allows only this origin plus the inline bootstrap's own hash", () => {
    const csp = cspOf(html);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    const [bootstrap, ...others] = inlineScripts(html);
    expect(others).toHaveLength(0);
    const hash = createHash('sha256').update(bootstrap!, 'utf8').digest('base64');
    expect(csp.get('script-src')).toEqual(["'self'", `'sha256-${hash}'`]);
    // A small constant (the storage wrapper included); anything bigger belongs in an asset.
    expect(bootstrap!.length).toBeLessThan(2000);
    for (const [directive, values] of csp) {
      for (const value of values) {
        expect([`'self'`, `'none'`, 'data:'].includes(value) || value.startsWith("'sha256-")).toBe(
          true,
        );
      }
      if (directive !== 'font-src' && directive !== 'img-src')
        expect(values).not.toContain('data:');
    }
  });

  it('enables the headers editor, opens on Variables and never persists headers', () => {
    const [bootstrap] = inlineScripts(html);
    expect(bootstrap).toContain('isHeadersEditorEnabled: true');
    expect(bootstrap).toContain("defaultEditorToolsVisibility: 'variables'");
    expect(bootstrap).toContain('shouldPersistHeaders: false');
    expect(bootstrap).toContain('storage: storage');
  });

  it('passes tabs and default headers through a data block no value can break out of', () => {
    expect(html).not.toContain('</script><script>alert(1)');
    expect(pageConfig(html)).toEqual({
      endpoint: '/graphql',
      defaultHeaders: '{"Authorization": "Bearer <key>"}',
      tabs: [
        { query: '# Templates\n{ templates { id name title } }' },
        {
          query: '# Send\nmutation Send($input: SendInput!) { send(input: $input) { id } }',
          variables: '{"input": {"note": "</script><script>alert(1)</script>"}}',
          headers: '{"Authorization": "Bearer tab-key"}',
        },
      ],
    });
  });

  it('escapes the title in the <title> and the banner', () => {
    const escaped = 'Subscribe &lt;Gateway&gt; &amp; &quot;friends&quot;';
    expect(html).toContain(`<title>${escaped}</title>`);
    expect(html).toMatch(new RegExp(`<header[^>]*><strong>${escaped}</strong>`));
    expect(html).not.toContain('<Gateway>');
  });

  it('does not repeat a name heading the query already has', () => {
    const page = createPlayground({
      ...OPTIONS,
      tabs: [{ name: 'Templates', query: '# Templates\n{ templates { id } }' }],
    }).html();
    expect(pageConfig(page).tabs).toEqual([{ query: '# Templates\n{ templates { id } }' }]);
  });

  it('sends its policy as a header too, with frame-ancestors, and no caching', () => {
    const headers = playground.htmlHeaders();
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['cache-control']).toBe('no-cache');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('createPlayground().asset()', () => {
  const playground = createPlayground({ ...OPTIONS, assetsPath: '/playground/assets/' });
  const urls = attributeUrls(playground.html()).filter((u) => u !== 'data:,');

  it.each([
    ['.js', 'text/javascript; charset=utf-8'],
    ['.css', 'text/css; charset=utf-8'],
  ])('serves each %s file the page names, typed and cached for a year', (extension, type) => {
    const named = urls.filter((u) => u.endsWith(extension));
    expect(named.length).toBeGreaterThan(0);
    for (const url of named) {
      const response = playground.asset(url);
      expect(response?.status).toBe(200);
      expect(response!.headers['content-type']).toBe(type);
      expect(response!.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response!.headers['x-content-type-options']).toBe('nosniff');
      expect(Number(response!.headers['content-length'])).toBe(response!.body.length);
      expect(response!.body.length).toBeGreaterThan(1000);
      expect(response!.body.toString('latin1')).not.toContain('sourceMappingURL');
    }
  });

  it('ships the real React, ReactDOM and GraphiQL bundles', () => {
    const names = urls.map((u) => u.slice('/playground/assets/'.length));
    expect(names.sort()).toEqual([
      expect.stringMatching(/^graphiql-\d+\.\d+\.\d+\.min\.css$/),
      expect.stringMatching(/^graphiql-\d+\.\d+\.\d+\.min\.js$/),
      expect.stringMatching(/^playground-[0-9a-f]{12}\.css$/),
      expect.stringMatching(/^react-\d+\.\d+\.\d+\.production\.min\.js$/),
      expect.stringMatching(/^react-dom-\d+\.\d+\.\d+\.production\.min\.js$/),
    ]);
    const body = (pattern: RegExp) =>
      playground.asset(`/playground/assets/${names.find((n) => pattern.test(n))}`)!.body.toString();
    expect(body(/^react-\d/)).toContain('@license React\n * react.production.min.js');
    expect(body(/^react-dom-/)).toContain('@license React\n * react-dom.production.min.js');
    expect(body(/^graphiql-.*\.js$/)).toContain('window.GraphiQL = ');
    expect(body(/^graphiql-.*\.css$/)).toContain('.graphiql-container');
    expect(body(/^playground-/)).toContain('.wsg-playground-banner');
  });

  it('finds no external URL that a stylesheet could load (fonts and icons are data URIs)', () => {
    for (const url of urls.filter((u) => u.endsWith('.css'))) {
      const css = playground.asset(url)!.body.toString('utf8');
      expect(css).not.toMatch(/@import/i);
      const references = [...css.matchAll(/url\(\s*['"]?([^'")\s]*)/gi)].map((m) => m[1]!);
      for (const reference of references) expect(reference).toMatch(/^data:/);
    }
  });

  it('reads each file once and keeps serving the same bytes', () => {
    const url = urls.find((u) => u.endsWith('.min.js'))!;
    const first = playground.asset(url)!;
    first.headers['x-extra'] = 'caller-owned';
    const second = playground.asset(url)!;
    expect(second.body).toBe(first.body);
    expect(second.headers['x-extra']).toBeUndefined();
  });

  it('leaves paths outside assetsPath to the router', () => {
    expect(playground.asset('/graphql')).toBeNull();
    expect(playground.asset('/playground')).toBeNull();
    expect(playground.asset('/playground/assets')).toBeNull();
    expect(playground.asset('/playground/assetsX/graphiql.min.js')).toBeNull();
  });

  it.each([
    '/playground/assets/',
    '/playground/assets/graphiql.min.js',
    '/playground/assets/graphiql.min.js.map',
    '/playground/assets/../../package.json',
    '/playground/assets/..%2F..%2Fpackage.json',
    '/playground/assets/%2e%2e/%2e%2e/package.json',
    '/playground/assets/..\\..\\package.json',
    '/playground/assets//etc/passwd',
    '/playground/assets/node_modules/graphiql/package.json',
  ])('refuses %s with a 404', (pathname) => {
    const response = playground.asset(pathname);
    expect(response?.status).toBe(404);
    expect(response!.body.toString()).toBe('Not found\n');
  });

  it('refuses a real asset name reached through a sub-directory or with a query', () => {
    const url = urls[0]!;
    const name = url.slice(url.lastIndexOf('/') + 1);
    expect(playground.asset(`/playground/assets/x/../${name}`)?.status).toBe(404);
    expect(playground.asset(`/playground/assets/sub/${name}`)?.status).toBe(404);
    expect(playground.asset(`${url}?v=1`)?.status).toBe(404);
  });
});

describe('createPlayground options', () => {
  function problemsOf(options: Partial<PlaygroundOptions>): readonly string[] {
    try {
      createPlayground({ ...OPTIONS, ...options } as PlaygroundOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(PlaygroundOptionsError);
      return (error as PlaygroundOptionsError).problems;
    }
    throw new Error('expected createPlayground to refuse the options');
  }

  it.each(['playground/assets', '//cdn.example.com/assets', '/a/../b', '/', 'https://x/y', '/a b'])(
    'refuses assetsPath %s',
    (assetsPath) => {
      expect(problemsOf({ assetsPath })).toEqual([expect.stringContaining('assetsPath must')]);
    },
  );

  it('refuses an endpoint on another origin', () => {
    expect(problemsOf({ endpoint: 'https://api.example.com/graphql' })).toEqual([
      expect.stringContaining('endpoint must be a same-origin path'),
    ]);
  });

  it('names every bad field at once', () => {
    const problems = problemsOf({
      title: ' ',
      defaultHeaders: 'Authorization: Bearer x',
      tabs: [
        { name: 'Empty', query: '  ' },
        { query: '{ a }', variables: '[1]', headers: '{"a":' },
      ],
    });
    expect(problems).toEqual([
      'title must be a non-empty string',
      expect.stringMatching(/^defaultHeaders must be the text of a JSON object/),
      'tabs[0] (Empty).query must be a non-empty string',
      expect.stringMatching(/^tabs\[1\]\.variables must be the text of a JSON object/),
      expect.stringMatching(/^tabs\[1\]\.headers must be the text of a JSON object/),
    ]);
  });

  it('refuses tabs that are not an array', () => {
    expect(problemsOf({ tabs: undefined })).toEqual(['tabs must be an array (it may be empty)']);
  });

  it('accepts no tabs (GraphiQL then opens its own default tab)', () => {
    const html = createPlayground({ ...OPTIONS, tabs: [] }).html();
    expect(pageConfig(html)).not.toHaveProperty('tabs');
  });
});
