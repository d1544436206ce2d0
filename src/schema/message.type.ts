import { JSONObjectScalar } from './json-object.scalar.js';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Lang, MessageStatus, MiniprogramState, SkipReason } from './enums.js';
import { Template } from './template.type.js';

@ObjectType({ description: 'What a HELD message waits for.' })
export class MessageTrigger {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  matchKey!: string;

  @Field(() => Date, { description: 'Not fired by then: SKIPPED with TRIGGER_TIMEOUT.' })
  timeoutAt!: Date;
}

@ObjectType({ description: 'One send through the gateway and its outcome.' })
export class Message {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  openid!: string;

  @Field(() => ID)
  templateId!: string;

  @Field(() => Template, { nullable: true })
  template?: Template | null;

  @Field(() => MessageStatus)
  status!: MessageStatus;

  @Field(() => Int, { nullable: true, description: 'WeChat’s errcode when it refused the send.' })
  errcode!: number | null;

  @Field(() => String, { nullable: true })
  errmsg!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'WeChat’s 64-bit message id, as an exact decimal string.',
  })
  msgid!: string | null;

  @Field(() => Int, {
    description: 'Calls made to WeChat for this message (a token refresh retry counts).',
  })
  attempts!: number;

  @Field(() => JSONObjectScalar, { description: 'The keyword values sent, as { key: value }.' })
  data!: Record<string, string>;

  @Field(() => String, { nullable: true })
  page!: string | null;

  @Field(() => MiniprogramState)
  miniprogramState!: MiniprogramState;

  @Field(() => Lang)
  lang!: Lang;

  @Field(() => String, { nullable: true })
  idempotencyKey!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When WeChat reported the delivery result.' })
  deliveredAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'ErrorCode of subscribe_msg_sent_event (0 = delivered).',
  })
  deliveryErrorCode!: number | null;

  @Field(() => String, { nullable: true })
  deliveryErrorStatus!: string | null;

  @Field(() => String, { nullable: true, description: 'The caller’s key, unique per app.' })
  key!: string | null;

  @Field(() => Date, { nullable: true, description: 'When a scheduled message is due.' })
  sendAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Still unsent by then: SKIPPED, EXPIRED.' })
  expiresAt!: Date | null;

  @Field(() => MessageTrigger, { nullable: true })
  trigger!: MessageTrigger | null;

  @Field(() => SkipReason, { nullable: true })
  skipReason!: SkipReason | null;

  @Field(() => ID, { nullable: true })
  campaignId!: string | null;

  @Field(() => String, { nullable: true, description: 'The recurring schedule it came from.' })
  scheduleKey!: string | null;

  @Field(() => Date)
  updatedAt!: Date;
}
