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
import { ConnectionOf, toConnection } from '../schema/connection.type.js';
import type { GatewayContext } from '../schema/context.js';
import { Message } from '../schema/message.type.js';
import { MessageFilter, SendSubscribeMessageInput } from '../schema/send.input.js';
import { Template } from '../schema/template.type.js';
import { encodeMessageCursor, type MessageRecord } from '../services/messages/message-store.js';
import type { Template as DomainTemplate } from '../services/templates/types.js';

export const MessageConnection = ConnectionOf(Message, 'Message');

@Resolver(() => Message)
export class MessageResolver {
  @Authorized('reader')
  @Query(() => MessageConnection, { description: 'The message log, newest first.' })
  async messages(
    @Ctx() { services }: GatewayContext,
    @Arg('filter', () => MessageFilter, { nullable: true }) filter: MessageFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = await services.messages.list({ ...filter }, { first: first ?? 20, after });
    return toConnection(page, (message) => encodeMessageCursor(message.id));
  }

  @Authorized('reader')
  @Query(() => Message, { nullable: true })
  message(
    @Ctx() { services }: GatewayContext,
    @Arg('id', () => ID) id: string,
  ): Promise<MessageRecord | null> {
    return services.messages.get(id);
  }

  @Authorized('sender')
  @Mutation(() => Message, {
    description:
      'Validates data against the template, sends it through WeChat and logs the outcome. A WeChat refusal is a FAILED Message, not an error.',
  })
  sendSubscribeMessage(
    @Ctx() { services }: GatewayContext,
    @Arg('input', () => SendSubscribeMessageInput) input: SendSubscribeMessageInput,
  ): Promise<MessageRecord> {
    return services.sending.send(input);
  }

  @FieldResolver(() => Template, { nullable: true })
  template(
    @Root() message: MessageRecord,
    @Ctx() { services }: GatewayContext,
  ): DomainTemplate | null {
    return services.messages.templateOf(message);
  }
}
