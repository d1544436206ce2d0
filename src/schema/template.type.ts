import { Field, ID, ObjectType } from 'type-graphql';
import { TemplateType } from './enums.js';

@ObjectType({
  description: 'One keyword of a template: a {{key.DATA}} placeholder of its content.',
})
export class TemplateField {
  @Field(() => String, { description: 'Exact key to send in data, e.g. thing3.' })
  key!: string;

  @Field(() => String, {
    description: 'Keyword kind: the key without its digits, e.g. thing, phrase, short_thing.',
  })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'Label shown to the user, e.g. 审核结果.' })
  label!: string | null;

  @Field(() => String, {
    description: 'The value rule the gateway checks before WeChat sees the value.',
  })
  rule!: string;

  @Field(() => [String], { nullable: true, description: 'Allowed values of an enum keyword.' })
  enumValues?: readonly string[];
}

@ObjectType({ description: 'A subscribe-message template of the mini-program’s private library.' })
export class Template {
  @Field(() => ID, { description: 'WeChat’s priTmplId.' })
  id!: string;

  @Field(() => String, { description: 'GraphQL-safe name; accepted wherever a template id is.' })
  name!: string;

  @Field(() => String)
  title!: string;

  @Field(() => TemplateType)
  type!: TemplateType;

  @Field(() => [TemplateField])
  fields!: readonly TemplateField[];

  @Field(() => String, { nullable: true })
  example!: string | null;

  @Field(() => String, {
    description: 'WeChat’s content string with its {{key.DATA}} placeholders.',
  })
  content!: string;
}
