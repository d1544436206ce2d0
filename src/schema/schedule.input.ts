import { JSONObjectScalar } from './json-object.scalar.js';
import { Field, ID, InputType, Int } from 'type-graphql';
import { Lang, MiniprogramState } from './enums.js';

@InputType()
export class TriggerInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Which occurrence, e.g. an order id.' })
  matchKey!: string;

  @Field(() => Date, { description: 'Not fired by then: SKIPPED with TRIGGER_TIMEOUT.' })
  timeoutAt!: Date;
}

@InputType({ description: 'When to send: exactly one member.' })
export class WhenInput {
  @Field(() => Date, { nullable: true, description: 'At most 60 s in the past (then: now).' })
  sendAt?: Date | null;

  @Field(() => Int, { nullable: true, description: '1 to 31536000 seconds from now.' })
  delaySeconds?: number | null;

  @Field(() => TriggerInput, { nullable: true, description: 'When fireTrigger names it.' })
  trigger?: TriggerInput | null;
}

@InputType({ description: 'Options shared by every way of scheduling.' })
export class ScheduleOptionsInput {
  @Field(() => String, { description: 'Recipient openid (of this mini-program).' })
  openid!: string;

  @Field(() => String, { nullable: true })
  page?: string | null;

  @Field(() => MiniprogramState, { nullable: true })
  miniprogramState?: MiniprogramState | null;

  @Field(() => Lang, { nullable: true })
  lang?: Lang | null;

  @Field(() => WhenInput)
  when!: WhenInput;

  @Field(() => String, {
    nullable: true,
    description:
      'Unique per app: the same key with the same input returns the same message; with different input it is an error. Keys ending in @<ISO time> (e.g. x@2030-01-01T09:00:00.000Z) are reserved for recurring occurrences.',
  })
  key?: string | null;

  @Field(() => Date, { nullable: true, description: 'Still unsent by then: SKIPPED, EXPIRED.' })
  expiresAt?: Date | null;
}

@InputType()
export class ScheduleSubscribeMessageInput extends ScheduleOptionsInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The app (name or WeChat app id); may be left out when the key sees one app or DEFAULT_APP is set.',
  })
  app?: string | null;

  @Field(() => ID, { description: 'WeChat template id or template name.' })
  templateId!: string;

  @Field(() => JSONObjectScalar)
  data!: Record<string, unknown>;
}
