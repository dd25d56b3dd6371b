// A node:http server of its own for the dashboard (`keel dashboard`), loopback unless a token is set.
import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import { KeelError, type App, type Logger } from '@keel/core';
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

/** True for `localhost`, `127.0.0.0/8` and `::1` (also as `::ffff:127.x.y.z`). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

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
  await listen(server, settings.host, settings.port);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  const shownHost = isIP(settings.host) === 6 ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${shownHost}:${port}/`,
    host: settings.host,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      await handler.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new KeelError(
          'DASHBOARD_LISTEN_FAILED',
          `The dashboard cannot listen on ${host}:${port}: ${error.message}`,
          {
            cause: error,
            details: { host, port },
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
