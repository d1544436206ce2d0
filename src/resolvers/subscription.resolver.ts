import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { ConnectionOf, toConnection } from '../schema/connection.type.js';
import type { GatewayContext } from '../schema/context.js';
import { SubscribeInput, SubscriptionFilter } from '../schema/subscribe.input.js';
import { TemplateSubscription } from '../schema/subscription.type.js';
import { Template } from '../schema/template.type.js';
import { encodeLedgerCursor, ledgerPosition } from '../services/ledger/ledger-order.js';
import { hasQuota, type SubscriptionRecord } from '../services/ledger/ledger-store.js';
import type { Template as DomainTemplate } from '../services/templates/types.js';

export const TemplateSubscriptionConnection = ConnectionOf(
  TemplateSubscription,
  'TemplateSubscription',
);

@Resolver(() => TemplateSubscription)
export class SubscriptionResolver {
  @Authorized('reader')
  @Query(() => TemplateSubscriptionConnection, {
    description: 'The credit ledger: who can still receive what.',
  })
  async subscriptions(
    @Ctx() { services }: GatewayContext,
    @Arg('filter', () => SubscriptionFilter, { nullable: true }) filter: SubscriptionFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = await services.subscriptions.list({ ...filter }, { first: first ?? 20, after });
    return toConnection(page, (record) => encodeLedgerCursor(ledgerPosition(record)));
  }

  @Authorized('sender')
  @Mutation(() => [TemplateSubscription], {
    description:
      'Records what wx.requestSubscribeMessage returned for a user: each ACCEPT of a one-time template adds one credit.',
  })
  subscribe(
    @Ctx() { services }: GatewayContext,
    @Arg('input', () => SubscribeInput) input: SubscribeInput,
  ): Promise<SubscriptionRecord[]> {
    return services.subscriptions.subscribe(input.openid, input.results);
  }

  @FieldResolver(() => Template, { nullable: true })
  template(
    @Root() record: SubscriptionRecord,
    @Ctx() { services }: GatewayContext,
  ): DomainTemplate | null {
    return services.subscriptions.templateOf(record);
  }

  @FieldResolver(() => Boolean)
  hasQuota(@Root() record: SubscriptionRecord): boolean {
    return hasQuota(record);
  }
}
