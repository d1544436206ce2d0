import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { App } from '../schema/app.type.js';
import {
  Campaign,
  CampaignProgress,
  CampaignStatus,
  CreateCampaignInput,
} from '../schema/campaign.type.js';
import { ConnectionOf, toConnection } from '../schema/connection.type.js';
import type { AppServices, GatewayContext } from '../schema/context.js';
import { MessageFilter } from '../schema/send.input.js';
import { Template } from '../schema/template.type.js';
import { encodeCampaignCursor, type CampaignRecord } from '../services/campaigns/campaign-store.js';
import { encodeMessageCursor, type MessageRecord } from '../services/messages/message-store.js';
import type { Template as DomainTemplate } from '../services/templates/types.js';
import { BadUserInputError, ForbiddenError } from '../shared/errors.js';
import { AppArg } from './app-arg.js';
import { appOfRecord } from './app-of-record.js';
import { listAcrossApps } from './list-across-apps.js';
import { MessageConnection } from './message.resolver.js';
import { namingTemplateApps } from './template-not-found.js';

export const CampaignConnection = ConnectionOf(Campaign, 'Campaign');

const cursorOf = (campaign: CampaignRecord) => encodeCampaignCursor(campaign.id);

@Resolver(() => Campaign)
export class CampaignResolver {
  @Authorized('reader')
  @Query(() => Campaign, {
    nullable: true,
    description: 'A campaign by id (ids are unique across apps); null for another app’s campaign.',
  })
  async campaign(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('id', () => ID) id: string,
  ): Promise<CampaignRecord | null> {
    const found = await findCampaign(apps.all(), id);
    return found && apps.visibleByAppId(scope, found.appId) ? found : null;
  }

  @Authorized('reader')
  @Query(() => CampaignConnection, { description: 'Campaigns, newest first.' })
  campaigns(
    @Ctx() context: GatewayContext,
    @Arg('status', () => CampaignStatus, { nullable: true }) status: CampaignStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @AppArg() app: string | null,
  ) {
    return listAcrossApps(
      context,
      app,
      { first, after },
      (one, request) => one.campaigns.list({ status }, request),
      { positionOf: (campaign) => campaign.id, cursorOf, descending: true },
    );
  }

  @Authorized('admin')
  @Mutation(() => Campaign, {
    description:
      'Validates now, then sends the same message to the audience at ratePerSecond, behind every other due send of the app.',
  })
  createCampaign(
    @Ctx() context: GatewayContext,
    @Arg('input', () => CreateCampaignInput) input: CreateCampaignInput,
  ): Promise<CampaignRecord> {
    const { app, ...request } = input;
    return namingTemplateApps(context, context.apps.one(context.scope, app), (target) =>
      target.campaigns.create(request),
    );
  }

  @Authorized('admin')
  @Mutation(() => Campaign, { description: 'Stops the fan-out and the queued sends.' })
  async pauseCampaign(@Ctx() context: GatewayContext, @Arg('id', () => ID) id: string) {
    return (await ownerOf(context, id)).campaigns.pause(id);
  }

  @Authorized('admin')
  @Mutation(() => Campaign, { description: 'Continues a PAUSED campaign where it stopped.' })
  async resumeCampaign(@Ctx() context: GatewayContext, @Arg('id', () => ID) id: string) {
    return (await ownerOf(context, id)).campaigns.resume(id);
  }

  @Authorized('admin')
  @Mutation(() => Campaign, {
    description: 'Ends the campaign: recipients not sent to yet are SKIPPED CAMPAIGN_CANCELLED.',
  })
  async cancelCampaign(@Ctx() context: GatewayContext, @Arg('id', () => ID) id: string) {
    return (await ownerOf(context, id)).campaigns.cancel(id);
  }

  @FieldResolver(() => CampaignProgress)
  progress(@Root() campaign: CampaignRecord, @Ctx() { apps }: GatewayContext) {
    return appOfRecord(apps, campaign).campaigns.progress(campaign);
  }

  @FieldResolver(() => MessageConnection, { description: 'The campaign’s messages, newest first.' })
  async messages(
    @Root() campaign: CampaignRecord,
    @Ctx() { apps }: GatewayContext,
    @Arg('filter', () => MessageFilter, { nullable: true }) filter: MessageFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = await appOfRecord(apps, campaign).messages.list(
      { ...filter, campaignId: campaign.id },
      { first: first ?? 20, after },
    );
    return toConnection(page, (m: MessageRecord) => encodeMessageCursor(m.id));
  }

  @FieldResolver(() => Template, { nullable: true })
  template(
    @Root() campaign: CampaignRecord,
    @Ctx() { apps }: GatewayContext,
  ): DomainTemplate | null {
    return appOfRecord(apps, campaign).catalog.registry.find(campaign.templateId) ?? null;
  }

  @FieldResolver(() => App)
  app(@Root() campaign: CampaignRecord, @Ctx() { apps }: GatewayContext): AppServices {
    return appOfRecord(apps, campaign);
  }
}

/** The app of a campaign the caller may act on: another app's campaign is FORBIDDEN. */
async function ownerOf({ apps, scope }: GatewayContext, id: string): Promise<AppServices> {
  const found = await findCampaign(apps.all(), id);
  if (!found) throw new BadUserInputError('no campaign with this id', 'id');
  const owner = apps.visibleByAppId(scope, found.appId);
  if (!owner) throw new ForbiddenError('This API key may not use this campaign’s app');
  return owner;
}

/** Ids are unique across apps; without Redis each app keeps its own campaigns. */
async function findCampaign(
  apps: readonly AppServices[],
  id: string,
): Promise<CampaignRecord | null> {
  for (const app of apps) {
    const found = await app.campaigns.get(id);
    if (found) return found;
  }
  return null;
}
