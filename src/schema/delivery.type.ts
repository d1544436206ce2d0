import { Field, Int, ObjectType } from 'type-graphql';
import { CancelOutcome } from './enums.js';
import { Message } from './message.type.js';

@ObjectType()
export class CancelResult {
  @Field(() => CancelOutcome)
  outcome!: CancelOutcome;

  @Field(() => Message, { nullable: true })
  message!: Message | null;
}

@ObjectType({ description: 'At most max sends per perSeconds seconds, for the whole app.' })
export class RateLimit {
  @Field(() => Int)
  max!: number;

  @Field(() => Int)
  perSeconds!: number;
}

@ObjectType({ description: 'The delivery engine as this gateway sees it.' })
export class DeliveryHealth {
  @Field(() => String, { description: '"bullmq" (Redis) or "memory" (this process only).' })
  engine!: string;

  @Field(() => Int)
  scheduled!: number;

  @Field(() => Int)
  held!: number;

  @Field(() => Int)
  queued!: number;

  @Field(() => Int)
  sending!: number;

  @Field(() => Int)
  unknown!: number;

  @Field(() => RateLimit)
  rateLimit!: RateLimit;

  @Field(() => Date, { nullable: true, description: 'Sends wait for the rate or minute quota.' })
  rateLimitedUntil!: Date | null;

  @Field(() => Boolean, { description: 'WeChat’s daily quota is used up.' })
  paused!: boolean;

  @Field(() => Date, { nullable: true })
  pausedUntil!: Date | null;
}
