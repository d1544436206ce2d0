import { Field, ID, InputType } from 'type-graphql';
import { SubscribeStatus } from './enums.js';

@InputType({
  description: 'One entry of wx.requestSubscribeMessage’s result: { [templateId]: status }.',
})
export class SubscribeResultInput {
  @Field(() => ID, { description: 'WeChat template id or template name.' })
  templateId!: string;

  @Field(() => SubscribeStatus)
  status!: SubscribeStatus;
}

@InputType()
export class SubscribeInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The app (name or WeChat app id); may be left out when the key sees one app or DEFAULT_APP is set.',
  })
  app?: string | null;

  @Field(() => String)
  openid!: string;

  @Field(() => [SubscribeResultInput])
  results!: SubscribeResultInput[];
}

@InputType()
export class SubscriptionFilter {
  @Field(() => String, { nullable: true })
  openid?: string;

  @Field(() => ID, { nullable: true, description: 'WeChat template id or template name.' })
  templateId?: string;

  @Field(() => SubscribeStatus, { nullable: true })
  status?: SubscribeStatus;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only entries a send is covered by; false: only the others.',
  })
  hasQuota?: boolean;
}
