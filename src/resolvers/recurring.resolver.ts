import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { ConnectionOf, toConnection } from '../schema/connection.type.js';
import { App } from '../schema/app.type.js';
import type { AppServices, GatewayContext } from '../schema/context.js';
import { RecurringSchedule, RecurringScheduleInput } from '../schema/recurring.type.js';
import { Template } from '../schema/template.type.js';
import type { RecurringScheduleView } from '../services/recurring/recurring-service.js';
import { SCHEDULE_CURSOR } from '../services/recurring/recurring-store.js';
import {
  listSchedulesAcrossApps,
  mergedScheduleCursor,
} from '../services/recurring/schedules-across-apps.js';
import type { Template as DomainTemplate } from '../services/templates/types.js';
import { encodeCursor } from '../shared/page.js';
import { AppArg } from './app-arg.js';
import { appOfRecord } from './app-of-record.js';
import { namingTemplateApps } from './template-not-found.js';

export const RecurringScheduleConnection = ConnectionOf(RecurringSchedule, 'RecurringSchedule');

@Resolver(() => RecurringSchedule)
export class RecurringResolver {
  @Authorized('reader')
  @Query(() => RecurringScheduleConnection, {
    description:
      'Recurring schedules by key (then app): of every app the key may see, or of `app`.',
  })
  async recurringSchedules(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @AppArg() app: string | null,
  ) {
    const visible = apps.forList(scope, app);
    const page = await listSchedulesAcrossApps(visible, { first: first ?? 20, after });
    return toConnection(page, (schedule) =>
      visible.length === 1
        ? encodeCursor(SCHEDULE_CURSOR, schedule.key)
        : mergedScheduleCursor(schedule.key, appOfRecord(apps, schedule).name),
    );
  }

  @Authorized('sender')
  @Mutation(() => RecurringSchedule, {
    description:
      'Creates or replaces the schedule under input.key; an occurrence already sent is not sent again.',
  })
  upsertRecurringSchedule(
    @Ctx() context: GatewayContext,
    @Arg('input', () => RecurringScheduleInput) input: RecurringScheduleInput,
  ): Promise<RecurringScheduleView> {
    const { app, ...request } = input;
    return namingTemplateApps(context, context.apps.one(context.scope, app), (target) =>
      target.recurring.upsert(request),
    );
  }

  @Authorized('sender')
  @Mutation(() => Boolean, {
    description: 'Stops the schedule; false if there was none. Messages already made stay.',
  })
  deleteRecurringSchedule(
    @Ctx() { apps, scope }: GatewayContext,
    @Arg('key', () => String) key: string,
    @AppArg() app: string | null,
  ): Promise<boolean> {
    return apps.one(scope, app).recurring.delete(key);
  }

  @FieldResolver(() => App, { description: 'The mini-program this schedule sends for.' })
  app(@Root() schedule: RecurringScheduleView, @Ctx() { apps }: GatewayContext): AppServices {
    return appOfRecord(apps, schedule);
  }

  @FieldResolver(() => Template, { nullable: true })
  template(
    @Root() schedule: RecurringScheduleView,
    @Ctx() { apps }: GatewayContext,
  ): DomainTemplate | null {
    return appOfRecord(apps, schedule).catalog.registry.find(schedule.templateId) ?? null;
  }
}
