import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey, Role } from '../config.js';

export type AuthResult =
  | {
      ok: true;
      role: Role;
      /** App names the key may see; null for all. */ apps: readonly string[] | null;
    }
  | { ok: false; reason: string };

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Maps an Authorization header to a role. Keys are compared as SHA-256 digests with
 * timingSafeEqual, against every configured key (no early exit), so neither a key's content nor
 * its length leaks through timing. With no keys configured every caller is admin: config refuses
 * that outside sandbox mode.
 */
export function createAuthenticator(
  keys: readonly ApiKey[],
): (authorization: string | undefined) => AuthResult {
  const known = keys.map((k) => ({ role: k.role, apps: k.apps, digest: digest(k.key) }));
  return (authorization) => {
    if (known.length === 0) return { ok: true, role: 'admin', apps: null };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) {
      return {
        ok: false,
        reason: authorization
          ? 'Authorization header must be "Bearer <key>"'
          : 'Missing Authorization: Bearer <key> header',
      };
    }
    const presented = digest(match[1]!);
    let found: (typeof known)[number] | null = null;
    for (const key of known) {
      if (timingSafeEqual(key.digest, presented)) found = key;
    }
    return found
      ? { ok: true, role: found.role, apps: found.apps }
      : { ok: false, reason: 'Unknown API key' };
  };
}
