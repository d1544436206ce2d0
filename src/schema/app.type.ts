import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'A mini-program this gateway serves. Operations on an app’s data take an optional `app` (its name or WeChat app id): lists without it cover every app the key may see; an operation on one app may leave it out when the key sees one app or DEFAULT_APP is set.',
})
export class App {
  @Field(() => ID, { description: 'The app’s name: what `app` arguments and push paths use.' })
  name!: string;

  @Field(() => String, { description: 'WeChat’s app id (wx…); `app` arguments accept it too.' })
  appId!: string;
}
