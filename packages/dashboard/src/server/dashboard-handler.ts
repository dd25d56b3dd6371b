// The dashboard as one node:http handler (UI and JSON API) to mount under a prefix of any server.
import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger, type App, type Logger } from '@keel/core';
import type { RedisTransportService } from '@keel/redis';
import { DashboardRequestError } from '../dashboard-request-error.js';
import { dashboardSettings, type DashboardSettings } from '../dashboard-settings.js';
import { appTrimModes } from '../data/app-status.js';
import { RpcGateway } from '../data/rpc-gateway.js';
import { STREAMED, type DashboardParts } from './api-context.js';
import { apiRoutes } from './api-routes.js';
import { readJsonBody, sendError, sendJson } from './http-io.js';
import { KeyspaceTails } from './keyspace-tail.js';
import { checkCsrfHeader, checkToken } from './request-guard.js';
import { StaticAssets } from './static-assets.js';

/** Options of {@link createDashboardHandler}. */
export interface DashboardHandlerOptions extends Partial<
  Pick<DashboardSettings, 'token' | 'bodyLimitBytes' | 'keyspaceConfigure' | 'maxKeyspaceTails'>
> {
  /** The Redis the dashboard shows (standalone or cluster). */
  readonly transport: RedisTransportService;
  /** The path the dashboard is mounted under, e.g. `/dashboard` (default: the root). */
  readonly prefix?: string;
  /** The app serving the dashboard: adds its health, metrics and listeners' trim modes. */
  readonly app?: App;
  readonly logger?: Logger;
  /** The identifier pauses are held under (default `keel-dashboard@<host>:<pid>`). */
  readonly owner?: string;
}

/**
 * A node:http handler: resolves `true` when it answered the request (a path under its prefix),
 * `false` to let the server answer. `close()` ends keyspace tails and RPC clients.
 */
export interface DashboardHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Creates the dashboard's handler: `<prefix>/` serves the UI, `<prefix>/api/…` the JSON API
 * (docs/dashboard.md). With a `token`, every API request needs `Authorization: Bearer <token>`;
 * every POST needs `Content-Type: application/json` and `X-Keel-Dashboard: 1`.
 *
 * ```ts
 * const dashboard = createDashboardHandler({ transport, prefix: '/dashboard', token });
 * http.createServer(async (req, res) => {
 *   if (!(await dashboard(req, res))) res.writeHead(404).end();
 * });
 * ```
 */
export function createDashboardHandler(options: DashboardHandlerOptions): DashboardHandler {
  const defaults = dashboardSettings.defaults;
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const logger = options.logger ?? createLogger({ level: 'warn', base: { component: 'dashboard' } });
  const bodyLimit = options.bodyLimitBytes ?? defaults.bodyLimitBytes;
  const parts: DashboardParts = {
    redis: options.transport,
    rpc: new RpcGateway(options.transport.settings, logger.child({ component: 'dashboard-rpc' })),
    tails: new KeyspaceTails(
      options.transport,
      logger,
      options.maxKeyspaceTails ?? defaults.maxKeyspaceTails,
    ),
    app: options.app,
    trimMode: options.app === undefined ? () => undefined : appTrimModes(options.app),
    owner: options.owner ?? `keel-dashboard@${hostname()}:${process.pid}`,
    keyspaceConfigure: options.keyspaceConfigure ?? defaults.keyspaceConfigure,
  };
  const assets = new StaticAssets();

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const path = url.pathname;
    if (path !== prefix && !path.startsWith(`${prefix}/`)) return false;
    if (path === prefix) {
      // The page's relative asset and API URLs need the trailing slash.
      res.writeHead(308, { location: `${prefix}/${url.search}` });
      res.end();
      return true;
    }
    const rest = path.slice(prefix.length + 1);
    try {
      if (rest === 'api' || rest.startsWith('api/')) {
        await answerApi(req, res, url, rest.slice(4));
        return true;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new DashboardRequestError(405, `${req.method ?? ''} is not allowed here`);
      }
      if (assets.serve(rest, res)) return true;
      throw new DashboardRequestError(404, `no page ${JSON.stringify(rest)}`);
    } catch (error) {
      sendError(res, error, logger);
      return true;
    }
  };

  const answerApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: string,
  ): Promise<void> => {
    checkToken(req, options.token);
    const candidates = apiRoutes.filter((candidate) => candidate.path === route);
    const found = candidates.find((candidate) => candidate.method === req.method);
    if (found === undefined) {
      if (candidates.length > 0)
        throw new DashboardRequestError(405, `${req.method ?? ''} is not allowed on api/${route}`);
      throw new DashboardRequestError(404, `no API route ${JSON.stringify(route)}`);
    }
    let body: unknown;
    if (found.method === 'POST') {
      checkCsrfHeader(req);
      body = await readJsonBody(req, bodyLimit);
    }
    const result = await found.handle({ req, res, url, body, parts });
    if (result !== STREAMED) sendJson(res, 200, result);
  };

  return Object.assign(handler, {
    close: async (): Promise<void> => {
      await Promise.all([parts.tails.close(), parts.rpc.close()]);
    },
  });
}
