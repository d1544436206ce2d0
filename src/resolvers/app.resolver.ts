import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { App } from '../schema/app.type.js';
import type { AppServices, GatewayContext } from '../schema/context.js';
import { DeliveryHealth } from '../schema/delivery.type.js';
import { Template } from '../schema/template.type.js';
import type { Template as DomainTemplate } from '../services/templates/types.js';

@Resolver(() => App)
export class AppResolver {
  @Authorized('reader')
  @Query(() => [App], { description: 'The mini-programs this API key may see.' })
  apps(@Ctx() { apps, scope }: GatewayContext): AppServices[] {
    return apps.visible(scope);
  }

  @FieldResolver(() => [Template])
  templates(@Root() app: AppServices): readonly DomainTemplate[] {
    return app.catalog.registry.list();
  }

  @FieldResolver(() => DeliveryHealth, {
    nullable: true,
    description: 'The app’s delivery engine: queue counts, rate limit and quota pauses.',
  })
  deliveryHealth(@Root() app: AppServices) {
    return app.delivery.health();
  }
}
