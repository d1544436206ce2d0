import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Lang, MessageStatus, MiniprogramState } from './enums.js';
import { Template } from './template.type.js';

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

  @Field(() => GraphQLJSONObject, { description: 'The keyword values sent, as { key: value }.' })
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
}
