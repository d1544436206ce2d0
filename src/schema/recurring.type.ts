import { JSONObjectScalar } from './json-object.scalar.js';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Lang, MiniprogramState } from './enums.js';

@InputType({
  description:
    'A message sent on every occurrence of a cron expression in a time zone; upserting the same key replaces the schedule.',
})
export class RecurringScheduleInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The app (name or WeChat app id); may be left out when the key sees one app or DEFAULT_APP is set.',
  })
  app?: string | null;

  @Field(() => String, {
    description:
      'Unique per app. Each occurrence is a message keyed <key>@<occurrence time, ISO>, so an occurrence never sends twice.',
  })
  key!: string;

  @Field(() => String, { description: 'Recipient openid (of this mini-program).' })
  openid!: string;

  @Field(() => ID, { description: 'WeChat template id or template name.' })
  templateId!: string;

  @Field(() => JSONObjectScalar)
  data!: Record<string, unknown>;

  @Field(() => String, { nullable: true })
  page?: string | null;

  @Field(() => MiniprogramState, { nullable: true })
  miniprogramState?: MiniprogramState | null;

  @Field(() => Lang, { nullable: true })
  lang?: Lang | null;

  @Field(() => String, {
    description:
      '5 fields (minute hour day month weekday) or 6 (seconds first), read in timezone. A local time that occurs twice runs once; one that does not exist runs when the clocks have gone forward.',
  })
  cron!: string;

  @Field(() => String, {
    description:
      'IANA location name, e.g. Asia/Shanghai, or UTC; abbreviations such as CST are refused. Stored in its canonical spelling.',
  })
  timezone!: string;

  @Field(() => Date, { nullable: true, description: 'No occurrence before this.' })
  startAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'No occurrence after this.' })
  endAt?: Date | null;

  @Field(() => Int, { nullable: true, description: 'At most this many occurrences.' })
  limit?: number | null;
}

@ObjectType({ description: 'A recurring schedule and where it stands.' })
export class RecurringSchedule {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  openid!: string;

  @Field(() => String)
  cron!: string;

  @Field(() => String)
  timezone!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'The next occurrence; null once endAt or limit is reached.',
  })
  nextRunAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastRunAt!: Date | null;

  @Field(() => Int, {
    description:
      'Occurrences run since the schedule was last upserted (a one-time template without credit counts, as SKIPPED NO_CREDIT).',
  })
  occurrences!: number;

  @Field(() => Date, { nullable: true })
  endAt!: Date | null;

  @Field(() => Int, { nullable: true })
  limit!: number | null;
}
