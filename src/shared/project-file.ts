import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file shipped with the project (templates/demo.json, examples/…), found by walking up from
 * this module so it works from `src/` (tsx, jest) and from `dist/src/` alike; falls back to the
 * working directory.
 */
export function projectFile(...segments: string[]): string {
  const relative = join(...segments);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return resolve(process.cwd(), relative);
    dir = parent;
  }
}
