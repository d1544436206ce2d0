import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AppResolver } from './resolvers/app.resolver.js';
import { CampaignResolver } from './resolvers/campaign.resolver.js';
import { DeliveryResolver } from './resolvers/delivery.resolver.js';
import { MessageResolver } from './resolvers/message.resolver.js';
import { RecurringResolver } from './resolvers/recurring.resolver.js';
import { SubscriptionResolver } from './resolvers/subscription.resolver.js';
import { TemplateResolver } from './resolvers/template.resolver.js';
import { buildTypedSendResolver } from './resolvers/typed-send.resolver.js';
import { authChecker } from './schema/auth.js';
import { DateTimeScalar } from './schema/date-time.scalar.js';
import type { Template } from './services/templates/types.js';
import { ErrorCode, GatewayError } from './shared/errors.js';

/** The templates of one app, as the schema sees them. */
export interface AppTemplates {
  app: string;
  templates: readonly Template[];
}

/** At start-up it stops the gateway; from syncTemplates it is answered and nothing changes. */
export class TemplateNameClashError extends GatewayError {
  constructor(clashes: readonly string[]) {
    super(
      ErrorCode.TEMPLATE_NAME_CLASH,
      `Template names must be unique across apps (each names a typed send mutation): ${clashes.join('; ')}. Give one of each pair another "name" in its templates file.`,
      { clashes },
    );
  }
}

/**
 * The gateway's schema for a set of apps' templates: fixed types plus one typed send per template,
 * which knows its app. A name used by two apps would make one mutation mean two templates.
 */
export function buildGatewaySchema(apps: readonly AppTemplates[]): Promise<GraphQLSchema> {
  const owner = new Map<string, string>();
  const clashes: string[] = [];
  for (const { app, templates } of apps) {
    for (const template of templates) {
      const other = owner.get(template.name);
      if (other !== undefined && other !== app) {
        clashes.push(`${template.name} is a template of both ${other} and ${app}`);
      }
      owner.set(template.name, app);
    }
  }
  if (clashes.length > 0) return Promise.reject(new TemplateNameClashError(clashes));
  return buildSchema({
    resolvers: [
      AppResolver,
      TemplateResolver,
      SubscriptionResolver,
      MessageResolver,
      DeliveryResolver,
      RecurringResolver,
      CampaignResolver,
      buildTypedSendResolver(
        apps.flatMap(({ app, templates }) => templates.map((template) => ({ app, template }))),
      ),
    ],
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
  });
}
