import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const RELATIVE = join('templates', 'demo.json');

/**
 * The project's `templates/demo.json`, found by walking up from this module so it works from
 * `src/` (tsx, jest) and from `dist/src/` alike; falls back to the working directory.
 */
export function defaultTemplatesFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return resolve(process.cwd(), RELATIVE);
    dir = parent;
  }
}
