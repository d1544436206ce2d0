import { BadUserInputError, ForbiddenError } from '../../shared/errors.js';

/** Who is asking, as far as apps go: the app names their key may see, or null for every app. */
export interface AppScope {
  readonly apps: readonly string[] | null;
}

/** What the directory needs of an app: its name and its WeChat app id, either of which names it. */
export interface NamedApp {
  readonly name: string;
  readonly appId: string;
}

/**
 * The apps one gateway serves, and the rules for which app an operation means:
 * - lists without `app` cover every app the caller may see; with `app`, that app only;
 * - an operation on one app may omit `app` when the caller sees exactly one app, or when a
 *   default app is configured; otherwise the omission is BAD_USER_INPUT naming `app`;
 * - an app the caller may not see is FORBIDDEN, never its data.
 */
export class AppDirectory<T extends NamedApp> {
  private readonly apps: readonly T[];

  constructor(
    apps: readonly T[],
    private readonly defaultApp: string | null,
  ) {
    if (apps.length === 0) throw new Error('AppDirectory needs at least one app');
    this.apps = apps;
  }

  /** Every app, in configuration order: for the composition root and workers, not for callers. */
  all(): readonly T[] {
    return this.apps;
  }

  visible(scope: AppScope): T[] {
    return this.apps.filter((app) => scope.apps === null || scope.apps.includes(app.name));
  }

  /** The apps a list covers. */
  forList(scope: AppScope, app: string | null | undefined): T[] {
    return app === undefined || app === null ? this.visible(scope) : [this.one(scope, app)];
  }

  /** The one app an operation acts on. */
  one(scope: AppScope, app: string | null | undefined): T {
    if (app === undefined || app === null) {
      const visible = this.visible(scope);
      if (visible.length === 1) return visible[0]!;
      const fallback = this.defaultApp ? this.find(this.defaultApp) : undefined;
      if (fallback && visible.includes(fallback)) return fallback;
      throw new BadUserInputError(
        `app is required: this key may act on ${visible.map((a) => a.name).join(', ')}`,
        'app',
      );
    }
    const found = this.find(app);
    if (!found) {
      throw new BadUserInputError(
        `app ${JSON.stringify(app.slice(0, 64))} is not served here (apps are named by name or WeChat app id)`,
        'app',
      );
    }
    if (!this.visible(scope).includes(found)) {
      throw new ForbiddenError(`This API key may not use app ${found.name}`, { app: found.name });
    }
    return found;
  }

  /** The app with this WeChat app id, when the caller may see it: for records found by id. */
  visibleByAppId(scope: AppScope, appId: string): T | undefined {
    return this.visible(scope).find((app) => app.appId === appId);
  }

  private find(app: string): T | undefined {
    return this.apps.find((a) => a.name === app) ?? this.apps.find((a) => a.appId === app);
  }
}
