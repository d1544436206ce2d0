/**
 * How long to use a token WeChat says lives `expiresIn` seconds: stop `marginSeconds` early so a
 * refresh happens before WeChat expires it, but never let the margin eat the whole lifetime.
 * stable_token may legitimately answer expires_in ≈ 300 (the remaining life of the current
 * token), where a plain "minus 300" would give zero or a negative TTL (silenceper's bug).
 */
export function tokenLifetimeMs(expiresIn: number, marginSeconds: number): number {
  const lifetime = Number.isFinite(expiresIn) ? Math.floor(expiresIn) : 0;
  const floor = Math.min(60, Math.max(1, Math.floor(lifetime / 2)));
  return Math.max(floor, lifetime - marginSeconds) * 1000;
}
