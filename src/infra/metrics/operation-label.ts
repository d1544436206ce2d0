const MAX_LENGTH = 64;
const MAX_DISTINCT = 200;

/**
 * Operation names are chosen by clients, so as labels they are cut to GraphQL's name characters
 * and 64 of them, and after 200 distinct names every new one counts as "other": a client
 * inventing names cannot grow the series without bound.
 */
export function operationLabel(): (name: string) => string {
  const seen = new Set<string>();
  return (name) => {
    const clean = name.replace(/[^A-Za-z0-9_]/g, '').slice(0, MAX_LENGTH) || 'anonymous';
    if (seen.has(clean)) return clean;
    if (seen.size >= MAX_DISTINCT) return 'other';
    seen.add(clean);
    return clean;
  };
}
