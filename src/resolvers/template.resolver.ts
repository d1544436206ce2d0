import { Arg, Authorized, ID, Mutation, Query, Resolver, Ctx } from 'type-graphql';
import type { GatewayContext } from '../schema/context.js';
import { Template } from '../schema/template.type.js';
import type { Template as DomainTemplate } from '../services/templates/types.js';

@Resolver(() => Template)
export class TemplateResolver {
  @Authorized('reader')
  @Query(() => [Template], { description: 'Every template of the registry.' })
  templates(@Ctx() { services }: GatewayContext): readonly DomainTemplate[] {
    return services.catalog.registry.list();
  }

  @Authorized('reader')
  @Query(() => Template, { nullable: true, description: 'A template by WeChat id or by name.' })
  template(
    @Arg('id', () => ID) id: string,
    @Ctx() { services }: GatewayContext,
  ): DomainTemplate | null {
    return services.catalog.registry.find(id) ?? null;
  }

  @Authorized('admin')
  @Mutation(() => [Template], {
    description:
      'Reads the private templates from WeChat (gettemplate) and merges them over the templates file. New templates get their typed send<Name> mutation at once: the schema is rebuilt and swapped without a restart.',
  })
  async syncTemplates(@Ctx() { services }: GatewayContext): Promise<readonly DomainTemplate[]> {
    await services.syncTemplates();
    return services.catalog.registry.list();
  }
}
