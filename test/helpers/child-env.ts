/**
 * The environment of a process a test starts: the runner's own, without its Redis settings (the
 * suite runs with REDIS_URL set), so a child uses Redis only when the test says so, under the
 * prefix the test gives, and never writes to the shared Redis under the default prefix.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  delete inherited.REDIS_URL;
  delete inherited.REDIS_PREFIX;
  return { ...inherited, ...env };
}
