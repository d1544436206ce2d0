import { Arg, ID } from 'type-graphql';

/**
 * The optional `app` argument every operation on an app's data takes (a name or a WeChat app id).
 * Lists without it cover every app the key may see; an operation on one app may leave it out
 * when the key sees one app or DEFAULT_APP is set. Left undescribed in the schema so that every
 * signature stays on one line; the README and the App type explain it.
 */
export function AppArg(): ReturnType<typeof Arg> {
  return Arg('app', () => ID, { nullable: true });
}
