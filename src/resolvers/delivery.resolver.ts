import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../schema/context.js';
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
  rescheduleMessage(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('key', () => String, { nullable: true }) key: string | null,
    @Arg('sendAt', () => Date) sendAt: Date,
    @AppArg() app: string | null,
  ): Promise<MessageRecord> {
    return apps.one(scope, app).delivery.reschedule({ id, key }, sendAt);
  }

  @Authorized('sender')
  @Mutation(() => CancelResult, { description: 'Cancels a message not yet SENDING (id or key).' })
  cancelMessage(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('key', () => String, { nullable: true }) key: string | null,
    @AppArg() app: string | null,
  ) {
    return apps.one(scope, app).delivery.cancel({ id, key });
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
  resolveUnknownMessage(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('id', () => ID) id: string,
    @Arg('resolution', () => UnknownResolution) resolution: UnknownResolution,
    @AppArg() app: string | null,
  ): Promise<MessageRecord> {
    return apps.one(scope, app).delivery.resolveUnknown(id, resolution);
  }
}
