import { JSONObjectScalar } from './json-object.scalar.js';
import { Field, ID, InputType } from 'type-graphql';
import { Lang, MessageStatus, MiniprogramState } from './enums.js';

@InputType({ description: 'Options shared by every way of sending.' })
export class SendOptionsInput {
  @Field(() => String, { description: 'Recipient openid (of this mini-program).' })
  openid!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Page the card opens, e.g. pages/order/detail?id=1; must exist in the released build.',
  })
  page?: string | null;

  @Field(() => MiniprogramState, { nullable: true })
  miniprogramState?: MiniprogramState | null;

  @Field(() => Lang, { nullable: true })
  lang?: Lang | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The same key within 24 h returns the same Message without a second send; reusing it with different input is an error.',
  })
  idempotencyKey?: string | null;
}

@InputType()
export class SendSubscribeMessageInput extends SendOptionsInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The app (name or WeChat app id); may be left out when the key sees one app or DEFAULT_APP is set.',
  })
  app?: string | null;

  @Field(() => ID, { description: 'WeChat template id or template name.' })
  templateId!: string;

  @Field(() => JSONObjectScalar, {
    description:
      'Keyword values: { "thing3": "text" } (or WeChat’s { "thing3": { "value": "text" } }). For compile-time checking use the typed send<Name> mutations.',
  })
  data!: Record<string, unknown>;
}

@InputType()
export class MessageFilter {
  @Field(() => String, { nullable: true })
  openid?: string;

  @Field(() => ID, { nullable: true, description: 'WeChat template id or template name.' })
  templateId?: string;

  @Field(() => MessageStatus, { nullable: true })
  status?: MessageStatus;

  @Field(() => [MessageStatus], { nullable: true, description: 'Any of these statuses.' })
  statuses?: MessageStatus[];

  @Field(() => ID, { nullable: true })
  campaignId?: string;

  @Field(() => String, { nullable: true })
  scheduleKey?: string;

  @Field(() => String, { nullable: true })
  key?: string;

  @Field(() => Date, { nullable: true, description: 'Created strictly after this time.' })
  createdAfter?: Date;

  @Field(() => Date, { nullable: true, description: 'Created strictly before this time.' })
  createdBefore?: Date;
}
