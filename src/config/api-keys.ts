import type { Reader } from './reader.js';
import { ROLES, type ApiKey, type Role } from './types.js';

/**
 * `GATEWAY_API_KEYS`: comma-separated `role[@app[+app…]]:key`. A key is never echoed in a problem:
 * only its position, role and scope are named.
 */
export function parseApiKeys(reader: Reader, appNames: readonly string[]): ApiKey[] {
  const value = reader.raw('GATEWAY_API_KEYS');
  if (value === undefined) return [];
  const keys: ApiKey[] = [];
  value.split(',').forEach((pair, index) => {
    const entry = pair.trim();
    const colon = entry.indexOf(':');
    const head = colon > 0 ? entry.slice(0, colon) : '';
    const key = colon > 0 ? entry.slice(colon + 1) : '';
    const [role = '', scope] = head.split('@');
    const where = `GATEWAY_API_KEYS entry ${index + 1}`;
    if (!(ROLES as readonly string[]).includes(role)) {
      reader.problems.push(
        `${where} must be role[@app[+app…]]:key with role one of ${ROLES.join(', ')}`,
      );
      return;
    }
    let apps: string[] | null = null;
    if (scope !== undefined) {
      apps = scope.split('+');
      const unknown = apps.filter((name) => name !== '' && !appNames.includes(name));
      if (apps.some((name) => name === '') || unknown.length > 0) {
        reader.problems.push(
          `${where} (${role}) is scoped to ${unknown.length > 0 ? `unknown app ${unknown.join(', ')}` : 'an empty app name'}; apps: ${appNames.join(', ')}`,
        );
        return;
      }
    }
    if (key.length < 16) {
      reader.problems.push(`${where} (${role}) has a key shorter than 16 characters`);
    } else if (keys.some((k) => k.key === key)) {
      reader.problems.push(`${where} repeats an earlier key`);
    } else {
      keys.push({ role: role as Role, key, apps: apps ? [...new Set(apps)] : null });
    }
  });
  return keys;
}
