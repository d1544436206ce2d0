import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../schema/context.js';
import { CancelResult, DeliveryHealth } from '../schema/delivery.type.js';
import { UnknownResolution } from '../schema/enums.js';
import { Message } from '../schema/message.type.js';
import { ScheduleSubscribeMessageInput } from '../schema/schedule.input.js';
import type { MessageRecord } from '../services/messages/message-store.js';

@Resolver()
export class DeliveryResolver {
  @Authorized('reader')
  @Query(() => Message, { nullable: true, description: 'The message scheduled with this key.' })
  messageByKey(
    @Ctx() { services }: GatewayContext,
    @Arg('key', () => String) key: string,
  ): Promise<MessageRecord | null> {
    return services.delivery.messageByKey(key);
  }

  @Authorized('reader')
  @Query(() => DeliveryHealth)
  deliveryHealth(@Ctx() { services }: GatewayContext) {
    return services.delivery.health();
  }

  @Authorized('sender')
  @Mutation(() => Message, {
    description:
      'Validates now, sends later: at when.sendAt, after when.delaySeconds, or when when.trigger is fired.',
  })
  scheduleSubscribeMessage(
    @Ctx() { services }: GatewayContext,
    @Arg('input', () => ScheduleSubscribeMessageInput) input: ScheduleSubscribeMessageInput,
  ): Promise<MessageRecord> {
    return services.delivery.schedule(input);
  }

  @Authorized('sender')
  @Mutation(() => Message, { description: 'Moves a SCHEDULED or QUEUED message (id or key).' })
  rescheduleMessage(
    @Ctx() { services }: GatewayContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('key', () => String, { nullable: true }) key: string | null,
    @Arg('sendAt', () => Date) sendAt: Date,
  ): Promise<MessageRecord> {
    return services.delivery.reschedule({ id, key }, sendAt);
  }

  @Authorized('sender')
  @Mutation(() => CancelResult, { description: 'Cancels a message not yet SENDING (id or key).' })
  cancelMessage(
    @Ctx() { services }: GatewayContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('key', () => String, { nullable: true }) key: string | null,
  ) {
    return services.delivery.cancel({ id, key });
  }

  @Authorized('sender')
  @Mutation(() => Int, {
    description: 'Releases the HELD messages of this trigger; returns how many.',
  })
  fireTrigger(
    @Ctx() { services }: GatewayContext,
    @Arg('name', () => String) name: string,
    @Arg('matchKey', () => String) matchKey: string,
  ): Promise<number> {
    return services.delivery.fireTrigger(name, matchKey);
  }

  @Authorized('admin')
  @Mutation(() => Message, { description: 'Settles an UNKNOWN message.' })
  resolveUnknownMessage(
    @Ctx() { services }: GatewayContext,
    @Arg('id', () => ID) id: string,
    @Arg('resolution', () => UnknownResolution) resolution: UnknownResolution,
  ): Promise<MessageRecord> {
    return services.delivery.resolveUnknown(id, resolution);
  }
}
