import { toConnection } from '../schema/connection.type.js';
import type { AppServices, GatewayContext } from '../schema/context.js';
import { mergePages } from '../services/apps/merge-pages.js';
import { oneReadAtATime } from '../shared/event-loop-turns.js';
import type { Page, PageRequest } from '../shared/page.js';

/** How a list is ordered, the same in every app, so pages of several apps merge into one. */
export interface ListOrder<T> {
  positionOf: (item: T) => string;
  cursorOf: (item: T) => string;
  descending: boolean;
}

/** A Relay connection over one app's list, or over every app the caller may see. */
export async function listAcrossApps<T>(
  context: GatewayContext,
  app: string | null,
  page: { first: number | null; after: string | null },
  list: (app: AppServices, request: PageRequest) => Promise<Page<T>>,
  order: ListOrder<T>,
) {
  const { apps, scope } = context;
  const request = { first: page.first ?? 20, after: page.after };
  // The request's pages one after another, each completing on a turn of its own.
  const pages = await oneReadAtATime(context, () =>
    Promise.all(apps.forList(scope, app).map((one) => list(one, request))),
  );
  return toConnection(mergePages(pages, { first: request.first, ...order }), order.cursorOf);
}
