import { Field, ID, Int, ObjectType } from 'type-graphql';
import { LedgerSource, SubscribeStatus } from './enums.js';
import { Template } from './template.type.js';

@ObjectType({ description: 'The credit ledger entry of one user for one template.' })
export class TemplateSubscription {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  openid!: string;

  @Field(() => ID)
  templateId!: string;

  @Field(() => Template, {
    nullable: true,
    description: 'Null when the template is no longer in the registry.',
  })
  template?: Template | null;

  @Field(() => SubscribeStatus)
  status!: SubscribeStatus;

  @Field(() => Int, {
    nullable: true,
    description: 'Send credits left; null for long-term templates.',
  })
  remaining!: number | null;

  @Field(() => Int, { description: 'Accepts recorded over the entry’s life.' })
  accepted!: number;

  @Field(() => Int, { description: 'Successful sends.' })
  sent!: number;

  @Field(() => Boolean, {
    description: 'Whether a send is covered: credit left, or long-term and accepted.',
  })
  hasQuota!: boolean;

  @Field(() => LedgerSource, { description: 'Who last changed this entry.' })
  source!: LedgerSource;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}
