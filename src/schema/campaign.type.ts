import { JSONObjectScalar } from './json-object.scalar.js';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Lang, MiniprogramState } from './enums.js';
import { Template } from './template.type.js';

export enum CampaignStatus {
  SCHEDULED = 'SCHEDULED',
  RUNNING = 'RUNNING',
  PAUSED = 'PAUSED',
  PAUSED_QUOTA = 'PAUSED_QUOTA',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(CampaignStatus, {
  name: 'CampaignStatus',
  valuesConfig: {
    SCHEDULED: { description: 'Waiting for its startAt.' },
    RUNNING: { description: 'Fixing its audience, then sending at ratePerSecond.' },
    PAUSED: { description: 'Paused by pauseCampaign: nothing is sent until resumeCampaign.' },
    PAUSED_QUOTA: {
      description: 'WeChat’s daily quota is used up: resumes by itself after 00:00 Asia/Shanghai.',
    },
    COMPLETED: { description: 'Every recipient’s message is final.' },
    CANCELLED: { description: 'Cancelled: recipients not sent to are SKIPPED CAMPAIGN_CANCELLED.' },
  },
});

@InputType({ description: 'Who receives a campaign: exactly one member.' })
export class AudienceInput {
  @Field(() => Boolean, {
    nullable: true,
    description:
      'Everyone holding a credit for the template when the campaign starts (one-time: remaining ≥ 1; long-term: ACCEPT).',
  })
  creditHolders?: boolean | null;

  @Field(() => [String], { nullable: true, description: 'Up to 10 000 openids.' })
  openids?: string[] | null;
}

@InputType()
export class CreateCampaignInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The app (name or WeChat app id); may be left out when the key sees one app or DEFAULT_APP is set.',
  })
  app?: string | null;

  @Field(() => String, {
    description:
      'Unique per app: the same key with the same input returns the same campaign; with different input it is an error.',
  })
  key!: string;

  @Field(() => ID, { description: 'WeChat template id or template name.' })
  templateId!: string;

  @Field(() => JSONObjectScalar, { description: 'The same data for every recipient.' })
  data!: Record<string, unknown>;

  @Field(() => String, { nullable: true })
  page?: string | null;

  @Field(() => MiniprogramState, { nullable: true })
  miniprogramState?: MiniprogramState | null;

  @Field(() => Lang, { nullable: true })
  lang?: Lang | null;

  @Field(() => AudienceInput)
  audience!: AudienceInput;

  @Field(() => Date, { nullable: true, description: 'Start later (default: now).' })
  startAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Sends per second at most (default: half of SEND_RATE_LIMIT); the app’s SEND_RATE_LIMIT still holds above it.',
  })
  ratePerSecond?: number | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Messages still unsent by then: SKIPPED, EXPIRED.',
  })
  expiresAt?: Date | null;
}

@ObjectType({ description: 'Counts from the message log; the members add up to total.' })
export class CampaignProgress {
  @Field(() => Int, { description: 'The audience’s size (once fixed).' })
  total!: number;

  @Field(() => Int, { description: 'Not final yet (including recipients without a message yet).' })
  pending!: number;

  @Field(() => Int)
  sent!: number;

  @Field(() => Int)
  delivered!: number;

  @Field(() => Int, { description: 'FAILED and DELIVERY_FAILED.' })
  failed!: number;

  @Field(() => Int)
  skipped!: number;

  @Field(() => Int)
  unknown!: number;

  @Field(() => Int)
  cancelled!: number;
}

@ObjectType({ description: 'One bulk send: one message per recipient, in the message log.' })
export class Campaign {
  @Field(() => ID, { description: 'Unique across apps.' })
  id!: string;

  @Field(() => String)
  key!: string;

  @Field(() => Template, { nullable: true })
  template?: Template | null;

  @Field(() => CampaignStatus)
  status!: CampaignStatus;

  @Field(() => Int)
  ratePerSecond!: number;

  @Field(() => Date, { nullable: true })
  startAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
