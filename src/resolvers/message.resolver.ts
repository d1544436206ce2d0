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
import { ConnectionOf } from '../schema/connection.type.js';
import type { AppServices, GatewayContext } from '../schema/context.js';
import { Message } from '../schema/message.type.js';
import { MessageFilter, SendSubscribeMessageInput } from '../schema/send.input.js';
import { Template } from '../schema/template.type.js';
import { encodeMessageCursor, type MessageRecord } from '../services/messages/message-store.js';
import type { Template as DomainTemplate } from '../services/templates/types.js';
import { AppArg } from './app-arg.js';
import { appOfRecord } from './app-of-record.js';
import { listAcrossApps } from './list-across-apps.js';
import { namingTemplateApps } from './template-not-found.js';

export const MessageConnection = ConnectionOf(Message, 'Message');

const cursorOf = (message: MessageRecord) => encodeMessageCursor(message.id);

@Resolver(() => Message)
export class MessageResolver {
  @Authorized('reader')
  @Query(() => MessageConnection, { description: 'The message log, newest first.' })
  messages(
    @Ctx() context: GatewayContext,
    @Arg('filter', () => MessageFilter, { nullable: true }) filter: MessageFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @AppArg() app: string | null,
  ) {
    return listAcrossApps(
      context,
      app,
      { first, after },
      (one, request) => one.messages.list({ ...filter }, request),
      { positionOf: (message) => message.id, cursorOf, descending: true },
    );
  }

  @Authorized('reader')
  @Query(() => Message, {
    nullable: true,
    description: 'A message by id (ids are unique across apps); null for another app’s message.',
  })
  async message(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('id', () => ID) id: string,
  ): Promise<MessageRecord | null> {
    for (const app of apps.visible(scope)) {
      const found = await app.messages.get(id);
      if (found) return found;
    }
    return null;
  }

  @Authorized('sender')
  @Mutation(() => Message, {
    description:
      'Validates data against the template, sends it through WeChat and logs the outcome. A WeChat refusal is a FAILED Message, not an error.',
  })
  sendSubscribeMessage(
    @Ctx() context: GatewayContext,
    @Arg('input', () => SendSubscribeMessageInput) input: SendSubscribeMessageInput,
  ): Promise<MessageRecord> {
    // The input as it is: the service reads only the fields it knows, and a copy without `app`
    // is slow (type-graphql builds inputs in dictionary mode, by deleting absent fields).
    return namingTemplateApps(context, context.apps.one(context.scope, input.app), (target) =>
      target.sending.send(input, { requestId: context.requestLog?.id }),
    );
  }

  @FieldResolver(() => Template, { nullable: true })
  template(@Root() message: MessageRecord, @Ctx() { apps }: GatewayContext): DomainTemplate | null {
    return appOfRecord(apps, message).messages.templateOf(message);
  }

  @FieldResolver(() => App)
  app(@Root() message: MessageRecord, @Ctx() { apps }: GatewayContext): AppServices {
    return appOfRecord(apps, message);
  }
}
