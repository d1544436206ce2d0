import { Arg, Authorized, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
import type { GatewayContext } from '../schema/context.js';
import { Message } from '../schema/message.type.js';
import { ScheduleOptionsInput } from '../schema/schedule.input.js';
import { SendOptionsInput } from '../schema/send.input.js';
import type { MessageRecord } from '../services/messages/message-store.js';
import type { Template } from '../services/templates/types.js';

/** Names that would collide with the fixed schema: sendSubscribeMessage, SendOptionsInput. */
const RESERVED_NAMES = new Set(['SubscribeMessage', 'Options']);

function namedClass<T extends abstract new (...args: never[]) => object>(name: string, base?: T) {
  const cls = base ? class extends (base as unknown as new () => object) {} : class {};
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

function fieldDescription(field: Template['fields'][number]): string {
  const label = field.label ? `${field.label} — ` : '';
  const values = field.enumValues ? ` One of: ${field.enumValues.join(', ')}.` : '';
  return `${label}${field.rule}.${values}`;
}

/** `schedule<Name>`: the typed twin of scheduleSubscribeMessage, sharing `<Name>Data`. */
function addTypedSchedule(
  resolver: { prototype: object },
  app: string,
  template: Template,
  DataInput: object,
) {
  const ScheduleInput = namedClass(`Schedule${template.name}Input`, ScheduleOptionsInput);
  InputType(`Schedule${template.name}Input`)(ScheduleInput);
  Field(() => DataInput)(ScheduleInput.prototype, 'data');
  const method = `schedule${template.name}`;
  const templateId = template.id;
  Object.defineProperty(resolver.prototype, method, {
    value(
      context: GatewayContext,
      input: ScheduleOptionsInput & { data: Record<string, string> },
    ): Promise<MessageRecord> {
      return context.apps
        .one(context.scope, app)
        .delivery.schedule({ ...input, templateId, data: { ...input.data } });
    },
    writable: true,
    configurable: true,
  });
  const descriptor = Object.getOwnPropertyDescriptor(resolver.prototype, method)!;
  Authorized('sender')(resolver.prototype, method, descriptor);
  Mutation(() => Message, {
    description: `Schedules “${template.title}” (${template.id}) with typed keyword data.`,
  })(resolver.prototype, method, descriptor);
  Ctx()(resolver.prototype, method, 0);
  Arg('input', () => ScheduleInput)(resolver.prototype, method, 1);
}

/**
 * One `send<Name>` mutation per template, with a `<Name>Data` input holding one non-null String
 * per keyword. Built at start-up by applying type-graphql's decorators to classes made at run time
 * (the pattern of type-graphql's tests/functional/manual-decorators.ts).
 *
 * Why one mutation per template rather than a @oneOf input: each mutation's variables type is a
 * plain required object, which GraphQL Code Generator turns into an exact TypeScript type, so a
 * missing or misspelt keyword fails to compile; @oneOf would generate a union of optional members
 * and still need the template chosen at run time.
 */
export function buildTypedSendResolver(
  templates: readonly { app: string; template: Template }[],
): new () => object {
  const resolver = namedClass('TypedSendResolver');
  const severalApps = new Set(templates.map((entry) => entry.app)).size > 1;
  for (const { app, template } of templates) {
    if (RESERVED_NAMES.has(template.name)) {
      throw new Error(
        `Template name ${template.name} (${template.id}) collides with the fixed schema; give it another "name"`,
      );
    }
    const DataInput = namedClass(`${template.name}Data`);
    InputType(`${template.name}Data`, {
      description: `Keyword values of “${template.title}” (${template.id}).`,
    })(DataInput);
    for (const field of template.fields) {
      Field(() => String, { description: fieldDescription(field) })(DataInput.prototype, field.key);
    }

    const SendInput = namedClass(`Send${template.name}Input`, SendOptionsInput);
    InputType(`Send${template.name}Input`)(SendInput);
    Field(() => DataInput)(SendInput.prototype, 'data');

    const method = `send${template.name}`;
    const templateId = template.id;
    Object.defineProperty(resolver.prototype, method, {
      value(
        context: GatewayContext,
        input: SendOptionsInput & { data: Record<string, string> },
      ): Promise<MessageRecord> {
        // The mutation knows its app; a key of another app is FORBIDDEN here.
        return context.apps
          .one(context.scope, app)
          .sending.send(
            { ...input, templateId, data: { ...input.data } },
            { requestId: context.requestLog?.id },
          );
      },
      writable: true,
      configurable: true,
    });
    const descriptor = Object.getOwnPropertyDescriptor(resolver.prototype, method)!;
    Authorized('sender')(resolver.prototype, method, descriptor);
    Mutation(() => Message, {
      description: `Sends “${template.title}” (${template.id}, ${template.type === 'LONG_TERM' ? 'long-term' : 'one-time'})${severalApps ? ` of app ${app}` : ''} with typed keyword data.`,
    })(resolver.prototype, method, descriptor);
    Ctx()(resolver.prototype, method, 0);
    Arg('input', () => SendInput)(resolver.prototype, method, 1);

    addTypedSchedule(resolver, app, template, DataInput);
  }
  Resolver()(resolver);
  return resolver as new () => object;
}
