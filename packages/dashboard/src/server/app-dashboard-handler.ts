// createAppDashboardHandler: the dashboard of a running app, as AdminHttpService (`dashboard: true`) mounts it.
import { App, KeelError, type AppDashboardOptions } from '@keel/core';
import { RedisTransportService } from '@keel/redis';
import { createDashboardHandler, type DashboardHandler } from './dashboard-handler.js';

/**
 * The dashboard handler for `options.app`: it shows the Redis of the app's RedisTransportService
 * (the one named `options.transport`, else the only one) and adds the App page (services and
 * their health, listener counters). @keel/core's AdminHttpService imports this at init when
 * `dashboard: true`; the transport is looked up here, so core needs no Redis types. Fails with
 * `DASHBOARD_OPTIONS_INVALID` when `app` is not an App or the transport is missing or ambiguous.
 */
export function createAppDashboardHandler(options: AppDashboardOptions): DashboardHandler {
  const { app } = options;
  if (!(app instanceof App)) {
    throw new KeelError('DASHBOARD_OPTIONS_INVALID', 'the dashboard of an app needs the App itself');
  }
  return createDashboardHandler({
    transport: transportOf(app, options.transport),
    app,
    prefix: options.prefix,
    logger: options.logger,
    ...(options.token === undefined ? {} : { token: options.token }),
  });
}

function transportOf(app: App, name: string | undefined): RedisTransportService {
  if (name !== undefined) {
    const named = app.services.has(name) ? app.services.get(name) : undefined;
    if (named instanceof RedisTransportService) return named;
    throw new KeelError(
      'DASHBOARD_OPTIONS_INVALID',
      `the dashboard's transport "${name}" is not a RedisTransportService of app "${app.name}"`,
      { details: { transport: name } },
    );
  }
  const found = app.services.findAll(RedisTransportService);
  const [only] = found;
  if (only === undefined || found.length > 1) {
    throw new KeelError(
      'DASHBOARD_OPTIONS_INVALID',
      found.length === 0
        ? `the dashboard needs a RedisTransportService, and app "${app.name}" has none`
        : `app "${app.name}" has ${found.length} RedisTransportServices (${found.map((t) => `"${t.name}"`).join(', ')}): name one in dashboardTransport`,
      { details: { transports: found.map((t) => t.name) } },
    );
  }
  return only;
}
