import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { App } from '../schema/app.type.js';
import type { AppServices, GatewayContext } from '../schema/context.js';
import { Template } from '../schema/template.type.js';
import type { Template as DomainTemplate } from '../services/templates/types.js';
import { AppArg } from './app-arg.js';

@Resolver(() => Template)
export class TemplateResolver {
  @Authorized('reader')
  @Query(() => [Template], {
    description: 'The templates of every app the key may see, or of `app`.',
  })
  templates(
    @Ctx() { apps, scope }: GatewayContext,
    @AppArg() app: string | null,
  ): readonly DomainTemplate[] {
    return apps.forList(scope, app).flatMap((one) => one.catalog.registry.list());
  }

  @Authorized('reader')
  @Query(() => Template, { nullable: true, description: 'A template by WeChat id or by name.' })
  template(
    @Arg('id', () => ID) id: string,
    @Ctx() { apps, scope }: GatewayContext,
    @AppArg() app: string | null,
  ): DomainTemplate | null {
    return apps.one(scope, app).catalog.registry.find(id) ?? null;
  }

  @Authorized('admin')
  @Mutation(() => [Template], {
    description:
      'Reads the app’s private templates from WeChat (gettemplate) and merges them over its templates file. New templates get their typed send<Name> mutation at once: the schema is rebuilt and swapped without a restart.',
  })
  async syncTemplates(
    @Ctx() { apps, scope }: GatewayContext,
    @AppArg() app: string | null,
  ): Promise<readonly DomainTemplate[]> {
    const target = apps.one(scope, app);
    await target.syncTemplates();
    return target.catalog.registry.list();
  }

  @FieldResolver(() => App)
  app(@Root() template: DomainTemplate, @Ctx() { apps }: GatewayContext): AppServices {
    return appOfTemplate(apps.all(), template);
  }
}

/** Templates are the catalogue's own objects, so the app is the one whose catalogue holds it. */
export function appOfTemplate(apps: readonly AppServices[], template: DomainTemplate): AppServices {
  const owner = apps.find((app) => app.catalog.registry.list().includes(template));
  if (!owner) throw new Error(`template ${template.id} belongs to no app`);
  return owner;
}
