import type { AppServices, GatewayContext } from '../schema/context.js';
import { TemplateNotFoundError } from '../shared/errors.js';

/**
 * Runs an operation on one app; a template unknown there is reported with the app searched and,
 * when other apps the key may see have it, which (the usual mistake: `app` left out or wrong).
 */
export async function namingTemplateApps<T>(
  { apps, scope }: Pick<GatewayContext, 'apps' | 'scope'>,
  target: AppServices,
  work: (app: AppServices) => Promise<T>,
): Promise<T> {
  try {
    return await work(target);
  } catch (error) {
    if (!(error instanceof TemplateNotFoundError)) throw error;
    const others = apps.visible(scope).filter((app) => app !== target);
    const hints = error.templateIds.flatMap((id) => {
      const holders = others.filter((app) => app.catalog.registry.find(id)).map((app) => app.name);
      if (holders.length === 0) return [];
      return [`${id} is a template of ${holders.join(', ')}; pass app: ${holders.join(' or ')}`];
    });
    throw new TemplateNotFoundError(error.templateIds, { app: target.name, hints });
  }
}
