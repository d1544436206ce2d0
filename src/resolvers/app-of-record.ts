import type { AppServices } from '../schema/context.js';
import type { AppDirectory } from '../services/apps/app-directory.js';

/** The app a stored record belongs to; every record carries its WeChat app id. */
export function appOfRecord(
  apps: AppDirectory<AppServices>,
  record: { appId: string },
): AppServices {
  const app = apps.all().find((one) => one.appId === record.appId);
  if (!app) throw new Error(`record of app ${record.appId}, which is not served here`);
  return app;
}
