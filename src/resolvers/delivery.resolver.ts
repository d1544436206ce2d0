import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AppServices, GatewayContext } from '../schema/context.js';
import { CancelResult, DeliveryHealth } from '../schema/delivery.type.js';
import { UnknownResolution } from '../schema/enums.js';
import { Message } from '../schema/message.type.js';
import { ScheduleSubscribeMessageInput } from '../schema/schedule.input.js';
import type { MessageRecord } from '../services/messages/message-store.js';
import { AppArg } from './app-arg.js';
import { namingTemplateApps } from './template-not-found.js';

@Resolver()
export class DeliveryResolver {
  @Authorized('reader')
  @Query(() => Message, { nullable: true, description: 'The message scheduled with this key.' })
  messageByKey(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('key', () => String) key: string,
    @AppArg() app: string | null,
  ): Promise<MessageRecord | null> {
    return apps.one(scope, app).delivery.messageByKey(key);
  }

  @Authorized('reader')
  @Query(() => DeliveryHealth)
  deliveryHealth(@Ctx() { apps, scope }: GatewayContext, @AppArg() app: string | null) {
    return apps.one(scope, app).delivery.health();
  }

  @Authorized('sender')
  @Mutation(() => Message, {
    description:
      'Validates now, sends later: at when.sendAt, after when.delaySeconds, or when when.trigger is fired.',
  })
  scheduleSubscribeMessage(
    @Ctx() context: GatewayContext,
    @Arg('input', () => ScheduleSubscribeMessageInput) input: ScheduleSubscribeMessageInput,
  ): Promise<MessageRecord> {
    const { app, ...request } = input;
    return namingTemplateApps(context, context.apps.one(context.scope, app), (target) =>
      target.delivery.schedule(request),
    );
  }

  @Authorized('sender')
  @Mutation(() => Message, { description: 'Moves a SCHEDULED or QUEUED message (id or key).' })
  async rescheduleMessage(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('key', () => String, { nullable: true }) key: string | null,
    @Arg('sendAt', () => Date) sendAt: Date,
    @AppArg() app: string | null,
  ): Promise<MessageRecord> {
    return (await appOfMessage({ apps, scope }, id, app)).delivery.reschedule({ id, key }, sendAt);
  }

  @Authorized('sender')
  @Mutation(() => CancelResult, { description: 'Cancels a message not yet SENDING (id or key).' })
  async cancelMessage(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('key', () => String, { nullable: true }) key: string | null,
    @AppArg() app: string | null,
  ) {
    return (await appOfMessage({ apps, scope }, id, app)).delivery.cancel({ id, key });
  }

  @Authorized('sender')
  @Mutation(() => Int, {
    description: 'Releases the HELD messages of this trigger; returns how many.',
  })
  fireTrigger(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('name', () => String) name: string,
    @Arg('matchKey', () => String) matchKey: string,
    @AppArg() app: string | null,
  ): Promise<number> {
    return apps.one(scope, app).delivery.fireTrigger(name, matchKey);
  }

  @Authorized('admin')
  @Mutation(() => Message, { description: 'Settles an UNKNOWN message.' })
  async resolveUnknownMessage(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('id', () => ID) id: string,
    @Arg('resolution', () => UnknownResolution) resolution: UnknownResolution,
    @AppArg() app: string | null,
  ): Promise<MessageRecord> {
    return (await appOfMessage({ apps, scope }, id, app)).delivery.resolveUnknown(id, resolution);
  }
}

/**
 * The app an operation on one message acts on. Ids are unique across apps, so a message named by
 * id is looked for in every app the caller may see, as `message(id)` does; a key is the caller's,
 * unique only within an app, so it needs `app` (or the one app the caller sees, or DEFAULT_APP).
 * An id found nowhere goes to any app the caller sees: none of them holds it, and each answers
 * that it does not exist.
 */
async function appOfMessage(
  { apps, scope }: Pick<GatewayContext, 'apps' | 'scope'>,
  id: string | null | undefined,
  app: string | null | undefined,
): Promise<AppServices> {
  // An argument left out arrives as undefined, not null.
  if (app != null || id == null) return apps.one(scope, app);
  const visible = apps.visible(scope);
  for (const candidate of visible) if (await candidate.messages.get(id)) return candidate;
  return visible[0] ?? apps.one(scope, null);
}
