/**
 * The route label of a request for logs and metrics: a path the gateway serves, a prefix it
 * serves files under, or "other", so scanners probing random paths cannot grow the series.
 * Works on the raw request target: it must not throw on a malformed one.
 */
export function routeLabeler(
  exact: () => Iterable<string>,
  prefixes: readonly string[],
): (target: string | undefined) => string {
  return (target) => {
    const raw = target ?? '/';
    const end = raw.search(/[?#]/);
    const path = end === -1 ? raw : raw.slice(0, end);
    for (const known of exact()) if (known === path) return known;
    for (const prefix of prefixes) if (path.startsWith(`${prefix}/`)) return prefix;
    return 'other';
  };
}
