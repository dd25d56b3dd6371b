// loadDashboard: imports @keel/dashboard at run time (core never depends on it) and mounts its handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { createModuleImporter, type ModuleSearchPlace } from '../config/default-import-module.js';
import { KeelError } from '../errors/keel-error.js';
import type { Logger } from '../logger/create-logger.js';
import type { AppContext } from '../services/service.js';

/** The module the dashboard comes from (not a dependency of @keel/core: installed beside it, or the CLI's). */
const DASHBOARD_PACKAGE = '@keel/dashboard';

/** The dashboard's node:http handler: `true` when it answered the request. */
export interface MountedDashboard {
  (req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

/** What AdminHttpService hands `createAppDashboardHandler` of @keel/dashboard. */
export interface AppDashboardOptions {
  readonly app: AppContext;
  readonly prefix: string;
  readonly token?: string;
  /** The RedisTransportService to show, by name (the app's only one when unset). */
  readonly transport?: string;
  readonly logger: Logger;
}

interface DashboardModule {
  createAppDashboardHandler(options: AppDashboardOptions): MountedDashboard;
}

/**
 * Imports @keel/dashboard and creates its handler for `options.app`. The package is looked for
 * where @keel/core can import it, then (like `packages:` entries) from the working directory and
 * the directory of the process's main script (the `keel` CLI, which depends on it). Not found, or
 * not a dashboard: `ADMIN_DASHBOARD_UNAVAILABLE`.
 */
export async function loadDashboard(options: AppDashboardOptions): Promise<MountedDashboard> {
  const module = await importDashboard();
  const create = (module as Partial<DashboardModule> | undefined)?.createAppDashboardHandler;
  if (typeof create !== 'function') {
    throw new KeelError(
      'ADMIN_DASHBOARD_UNAVAILABLE',
      `${DASHBOARD_PACKAGE} does not export createAppDashboardHandler: install a version that matches @keel/core`,
    );
  }
  return create(options);
}

async function importDashboard(): Promise<unknown> {
  const specifier: string = DASHBOARD_PACKAGE; // not a literal: core has no static dependency on it
  try {
    return (await import(specifier)) as unknown;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const main = process.argv[1];
  const fallbacks: ModuleSearchPlace[] =
    main === undefined ? [] : [{ dir: dirname(main), label: "the main script's directory" }];
  try {
    return await createModuleImporter({ fallbacks })(specifier, join(process.cwd(), 'package.json'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new KeelError(
      'ADMIN_DASHBOARD_UNAVAILABLE',
      `dashboard: true needs ${DASHBOARD_PACKAGE}, which cannot be imported: ${reason}; or set dashboard: false`,
      { cause: error },
    );
  }
}

/** True for "this package is not installed here" (not for a broken package that is). */
function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'ERR_MODULE_NOT_FOUND' &&
    error instanceof Error &&
    error.message.includes(`'${DASHBOARD_PACKAGE}'`)
  );
}
