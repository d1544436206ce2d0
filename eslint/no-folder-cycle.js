// A local ESLint rule: no two folders of src/ may import each other, directly or through others.
// import-x/no-cycle catches cycles between files; this catches the coarser cycle between folders
// (a.ts in x/ imports y/b.ts, and y/c.ts imports x/d.ts), which file-level checks miss.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const DYNAMIC = /import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * The unit a cycle is counted between: a file's folder, except for the files directly in the root
 * (entry points, the composition root, config), which each stand alone: config.ts is imported by
 * every layer and imports none, app.ts imports every layer and is imported by none.
 */
function nodeOf(root, path) {
  return dirname(path) === root ? path.replace(/\.js$/, '.ts') : dirname(path);
}

function importedNodes(root, file, text) {
  const nodes = new Set();
  for (const pattern of [IMPORT, DYNAMIC]) {
    for (const match of text.matchAll(pattern))
      nodes.add(nodeOf(root, resolve(dirname(file), match[1])));
  }
  return nodes;
}

/** folder -> folders its files import, for every .ts file under root. Built once per lint run. */
const graphs = new Map();
function folderGraph(root) {
  let graph = graphs.get(root);
  if (graph) return graph;
  graph = new Map();
  for (const file of sourceFiles(root)) {
    const from = nodeOf(root, file);
    const edges = graph.get(from) ?? new Set();
    for (const to of importedNodes(root, file, readFileSync(file, 'utf8'))) {
      if (to !== from && to.startsWith(root)) edges.add(to);
    }
    graph.set(from, edges);
  }
  graphs.set(root, graph);
  return graph;
}

/** A path of folders from `start` back to `goal`, or null. */
function pathBetween(graph, start, goal) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const folder = queue.shift();
    if (folder === goal) {
      const path = [];
      for (let at = folder; at !== null; at = previous.get(at)) path.unshift(at);
      return path;
    }
    for (const next of graph.get(folder) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, folder);
        queue.push(next);
      }
    }
  }
  return null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles between the folders of src/' },
    schema: [
      { type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false },
    ],
    messages: {
      cycle:
        'Import cycle between folders: {{path}}. Move the shared piece to a folder both may import.',
    },
  },
  create(context) {
    const root = resolve(context.cwd, context.options[0]?.root ?? 'src');
    const file = context.filename;
    if (!file.startsWith(root + '/')) return {};
    const from = nodeOf(root, file);
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = nodeOf(root, resolve(dirname(file), source));
      if (to === from || !to.startsWith(root)) return;
      const back = pathBetween(folderGraph(root), to, from);
      if (!back) return;
      const path = [from, ...back]
        .map((folder) => relative(context.cwd, folder) || '.')
        .join(' → ');
      context.report({ node, messageId: 'cycle', data: { path } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) =>
        node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
