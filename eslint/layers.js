// A local ESLint rule: which parts of src/ may import which, by resolved path, so that a folder
// named like another (the simulator's own http/) is never mistaken for it. Options: a list of
// { from, disallow, allow?, message } with paths relative to the working directory; an import
// from a file under `from` that resolves under a `disallow` path, and under no `allow` path, is
// reported with the entry's message.
import { dirname, relative, resolve } from 'node:path';

function under(path, prefixes, cwd) {
  return prefixes.some((prefix) => {
    const absolute = resolve(cwd, prefix);
    return prefix.endsWith('/') ? path.startsWith(absolute + '/') : path === absolute;
  });
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce which parts of src/ may import which' },
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            from: { type: 'array', items: { type: 'string' } },
            except: { type: 'array', items: { type: 'string' } },
            disallow: { type: 'array', items: { type: 'string' } },
            allow: { type: 'array', items: { type: 'string' } },
            message: { type: 'string' },
          },
          required: ['from', 'disallow', 'message'],
          additionalProperties: false,
        },
      },
    ],
    messages: { layer: '{{target}}: {{message}}' },
  },
  create(context) {
    const cwd = context.cwd;
    const file = context.filename;
    const entries = (context.options[0] ?? []).filter(
      (entry) => under(file, entry.from, cwd) && !under(file, entry.except ?? [], cwd),
    );
    if (entries.length === 0) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source).replace(/\.js$/, '.ts');
      for (const entry of entries) {
        if (under(target, entry.disallow, cwd) && !under(target, entry.allow ?? [], cwd)) {
          const shown = relative(cwd, target);
          context.report({
            node,
            messageId: 'layer',
            data: { target: shown, message: entry.message },
          });
          return;
        }
      }
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
