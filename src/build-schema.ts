import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { DeliveryResolver } from './resolvers/delivery.resolver.js';
import { MessageResolver } from './resolvers/message.resolver.js';
import { SubscriptionResolver } from './resolvers/subscription.resolver.js';
import { TemplateResolver } from './resolvers/template.resolver.js';
import { buildTypedSendResolver } from './resolvers/typed-send.resolver.js';
import type { Template } from './services/templates/types.js';
import { authChecker } from './schema/auth.js';

/** The gateway's schema for a set of templates: fixed types plus one typed send per template. */
export function buildGatewaySchema(templates: readonly Template[]): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      TemplateResolver,
      SubscriptionResolver,
      MessageResolver,
      DeliveryResolver,
      buildTypedSendResolver(templates),
    ],
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
  });
}
