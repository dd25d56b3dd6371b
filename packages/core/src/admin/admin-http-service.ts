// AdminHttpService: liveness, readiness and /metrics over node:http, and the dashboard on request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { KeelError } from '../errors/keel-error.js';
import { Service } from '../services/service.js';
import { type AdminHttpSettings, adminHttpSettings } from './admin-http-settings.js';
import { ADMIN_ROUTES, LIVENESS_PATH } from './admin-routes.js';
import { bearerTokenMatches } from './bearer-token.js';
import { closeHttpServer, listenHttp } from './http-server-lifecycle.js';
import { sendError } from './http-reply.js';
import { loadDashboard, type MountedDashboard } from './load-dashboard.js';
import { isLoopbackHost } from './loopback-host.js';

/** Where the dashboard is mounted with `dashboard: true`. */
export const DASHBOARD_PREFIX = '/dashboard';

/**
 * The app's admin HTTP endpoint (node:http, no framework):
 *
 * - `GET /health/live`: 200 while the event loop runs (never needs the token);
 * - `GET /health/ready`: 200 with `app.health()` when every required service is healthy, else 503
 *   with the unhealthy ones; 503 at once when the app begins to stop (SIGTERM), before any
 *   listener drains;
 * - `GET /metrics`: the app's Prometheus registry (OpenMetrics when the Accept header asks);
 * - `/dashboard/`: the @keel/dashboard UI with `dashboard: true`.
 *
 * With a `token`, every other route needs `Authorization: Bearer <token>` (401 otherwise); the
 * dashboard's page loads without it and its API requires it. It is initialised before the other
 * services (`static initFirst`), so it is closed after them all and answers until the end.
 * See docs/observability.md.
 */
export class AdminHttpService extends Service<AdminHttpSettings> {
  static override settingsSpec = adminHttpSettings;
  static override initFirst = true;

  #server: Server | undefined;
  #port: number | undefined;
  #dashboard: MountedDashboard | undefined;

  /** The port it listens on (the chosen one for `port: 0`); throws `ADMIN_NOT_LISTENING` before init. */
  get port(): number {
    if (this.#port === undefined) {
      throw new KeelError('ADMIN_NOT_LISTENING', `AdminHttpService "${this.name}" is not listening`);
    }
    return this.#port;
  }

  /** `http://host:port` it listens on (no token in it). */
  get url(): string {
    const { host } = this.settings;
    return `http://${isIP(host) === 6 ? `[${host}]` : host}:${this.port}`;
  }

  override async init(): Promise<void> {
    const { host, port, token, dashboard } = this.settings;
    if (dashboard) {
      if (token === undefined && !isLoopbackHost(host)) {
        throw new KeelError(
          'DASHBOARD_TOKEN_REQUIRED',
          `AdminHttpService "${this.name}" would serve the dashboard on ${host}, which is not a loopback address: set a token (at least 16 characters) or listen on 127.0.0.1`,
          { details: { host } },
        );
      }
      this.#dashboard = await loadDashboard({
        app: this.app,
        prefix: DASHBOARD_PREFIX,
        logger: this.logger.child({ component: 'dashboard' }),
        ...(token === undefined ? {} : { token }),
        ...(this.settings.dashboardTransport === undefined
          ? {}
          : { transport: this.settings.dashboardTransport }),
      });
    }
    const server = createServer((req, res) => {
      this.#answer(req, res).catch((error: unknown) => {
        this.logger.error({ err: error, path: pathOf(req) }, 'admin request failed');
        if (res.headersSent) res.destroy();
        else sendError(res, 500, error instanceof Error ? error.message : String(error));
      });
    });
    this.#server = server;
    this.#port = await listenHttp(server, {
      host,
      port,
      code: 'ADMIN_LISTEN_FAILED',
      what: `AdminHttpService "${this.name}"`,
    });
    this.logger.info(
      { address: this.url, auth: token === undefined ? 'none' : 'bearer token', dashboard },
      `admin HTTP listening on ${this.url}${dashboard ? ` (dashboard: ${this.url}${DASHBOARD_PREFIX}/)` : ''}`,
    );
  }

  override async close(): Promise<void> {
    await this.#dashboard?.close();
    this.#dashboard = undefined;
    if (this.#server !== undefined) await closeHttpServer(this.#server);
    this.#server = undefined;
    this.#port = undefined;
  }

  async #answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    // The dashboard checks the token itself: its page loads without one, its API needs it.
    if (this.#dashboard !== undefined && (await this.#dashboard(req, res))) return;
    const { token } = this.settings;
    if (
      path !== LIVENESS_PATH &&
      token !== undefined &&
      !bearerTokenMatches(req.headers.authorization, token)
    ) {
      sendError(res, 401, 'a valid token is required: Authorization: Bearer <token>', {
        'www-authenticate': 'Bearer realm="keel-admin"',
      });
      return;
    }
    const route = ADMIN_ROUTES.get(path);
    if (route === undefined) {
      sendError(res, 404, `no route ${JSON.stringify(path)}`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, `${req.method ?? ''} is not allowed on ${path}`, { allow: 'GET, HEAD' });
      return;
    }
    await route(req, res, { app: this.app, readinessTimeoutMs: this.settings.readinessTimeoutMs });
  }
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://admin.invalid').pathname;
}
