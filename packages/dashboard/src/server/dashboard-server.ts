// A node:http server of its own for the dashboard (`keel dashboard`), loopback unless a token is set.
import { createServer } from 'node:http';
import { isIP } from 'node:net';
import { closeHttpServer, isLoopbackHost, KeelError, listenHttp, type App, type Logger } from '@keel/core';
import type { RedisTransportService } from '@keel/redis';
import { dashboardSettings, type DashboardSettings } from '../dashboard-settings.js';
import { createDashboardHandler } from './dashboard-handler.js';

/** Options of {@link startDashboardServer}. */
export interface DashboardServerOptions extends Partial<DashboardSettings> {
  readonly transport: RedisTransportService;
  readonly app?: App;
  readonly logger?: Logger;
  readonly owner?: string;
}

/** A running dashboard server. */
export interface DashboardServer {
  /** `http://host:port/` (the token is not in it). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops accepting requests, ends open keyspace tails and closes the RPC clients. */
  close(): Promise<void>;
}

/** True for loopback addresses (the dashboard then needs no token); from @keel/core. */
export { isLoopbackHost };

/**
 * Checks the options (`DASHBOARD_OPTIONS_INVALID`; `DASHBOARD_TOKEN_REQUIRED` for a
 * non-loopback `host` without a token), then listens on `host:port` and serves the dashboard
 * at its root.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const { transport, app, logger, owner, ...given } = options;
  const checked = dashboardSettings.validate(given);
  if (!checked.success) {
    const problems = checked.errors.map(
      (error) =>
        `${error.path.replace(/^\$input\.?/, '')}: expected ${error.expected}, got ${JSON.stringify(error.value)}`,
    );
    throw new KeelError('DASHBOARD_OPTIONS_INVALID', `Invalid dashboard options: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  const settings: DashboardSettings = { ...dashboardSettings.defaults, ...checked.data };
  if (settings.token === undefined && !isLoopbackHost(settings.host)) {
    throw new KeelError(
      'DASHBOARD_TOKEN_REQUIRED',
      `The dashboard listens on ${settings.host}, which is not a loopback address: give it a token (--token, at least 16 characters) or listen on 127.0.0.1`,
      { details: { host: settings.host } },
    );
  }
  const handler = createDashboardHandler({
    transport,
    ...(app === undefined ? {} : { app }),
    ...(logger === undefined ? {} : { logger }),
    ...(owner === undefined ? {} : { owner }),
    ...(settings.token === undefined ? {} : { token: settings.token }),
    bodyLimitBytes: settings.bodyLimitBytes,
    keyspaceConfigure: settings.keyspaceConfigure,
    maxKeyspaceTails: settings.maxKeyspaceTails,
  });
  const server = createServer((req, res) => {
    handler(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(404).end();
      },
      () => res.destroy(),
    );
  });
  const port = await listenHttp(server, {
    host: settings.host,
    port: settings.port,
    code: 'DASHBOARD_LISTEN_FAILED',
    what: 'The dashboard',
  });
  const shownHost = isIP(settings.host) === 6 ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${shownHost}:${port}/`,
    host: settings.host,
    port,
    close: async () => {
      await handler.close();
      await closeHttpServer(server, 0);
    },
  };
}
