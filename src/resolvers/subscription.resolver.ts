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
import { App } from '../schema/app.type.js';
import { ConnectionOf } from '../schema/connection.type.js';
import type { AppServices, GatewayContext } from '../schema/context.js';
import { SubscribeInput, SubscriptionFilter } from '../schema/subscribe.input.js';
import { TemplateSubscription } from '../schema/subscription.type.js';
import { Template } from '../schema/template.type.js';
import { encodeLedgerCursor, ledgerPosition } from '../services/ledger/ledger-order.js';
import { hasQuota, type SubscriptionRecord } from '../services/ledger/ledger-store.js';
import type { Template as DomainTemplate } from '../services/templates/types.js';
import { AppArg } from './app-arg.js';
import { appOfRecord } from './app-of-record.js';
import { listAcrossApps } from './list-across-apps.js';
import { namingTemplateApps } from './template-not-found.js';

export const TemplateSubscriptionConnection = ConnectionOf(
  TemplateSubscription,
  'TemplateSubscription',
);

const cursorOf = (record: SubscriptionRecord) => encodeLedgerCursor(ledgerPosition(record));

@Resolver(() => TemplateSubscription)
export class SubscriptionResolver {
  @Authorized('reader')
  @Query(() => TemplateSubscriptionConnection, {
    description: 'The credit ledger: who can still receive what.',
  })
  subscriptions(
    @Ctx() context: GatewayContext,
    @Arg('filter', () => SubscriptionFilter, { nullable: true }) filter: SubscriptionFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @AppArg() app: string | null,
  ) {
    return listAcrossApps(
      context,
      app,
      { first, after },
      (one, request) => one.subscriptions.list({ ...filter }, request),
      { positionOf: ledgerPosition, cursorOf, descending: false },
    );
  }

  @Authorized('sender')
  @Mutation(() => [TemplateSubscription], {
    description:
      'Records what wx.requestSubscribeMessage returned for a user: each ACCEPT of a one-time template adds one credit.',
  })
  subscribe(
    @Ctx() context: GatewayContext,
    @Arg('input', () => SubscribeInput) input: SubscribeInput,
  ): Promise<SubscriptionRecord[]> {
    return namingTemplateApps(context, context.apps.one(context.scope, input.app), (target) =>
      target.subscriptions.subscribe(input.openid, input.results),
    );
  }

  @FieldResolver(() => Template, { nullable: true })
  template(
    @Root() record: SubscriptionRecord,
    @Ctx() { apps }: GatewayContext,
  ): DomainTemplate | null {
    return appOfRecord(apps, record).subscriptions.templateOf(record);
  }

  @FieldResolver(() => App)
  app(@Root() record: SubscriptionRecord, @Ctx() { apps }: GatewayContext): AppServices {
    return appOfRecord(apps, record);
  }

  @FieldResolver(() => Boolean)
  hasQuota(@Root() record: SubscriptionRecord): boolean {
    return hasQuota(record);
  }
}
