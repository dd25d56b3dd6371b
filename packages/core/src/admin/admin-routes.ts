// The admin HTTP routes: liveness, readiness and the Prometheus metrics of the app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../services/service.js';
import { sendBody, sendJson } from './http-reply.js';
import { prefersOpenMetrics } from './open-metrics-accept.js';
import { readiness } from './readiness.js';

/** What a route is handed besides the request and the response. */
export interface AdminRouteContext {
  readonly app: AppContext;
  readonly readinessTimeoutMs: number;
}

/** One GET (and HEAD) route. */
export type AdminRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  context: AdminRouteContext,
) => Promise<void>;

/** The route that answers without a token: a liveness probe must not depend on a secret. */
export const LIVENESS_PATH = '/health/live';

/** Every route by path. */
export const ADMIN_ROUTES: ReadonlyMap<string, AdminRoute> = new Map<string, AdminRoute>([
  [
    LIVENESS_PATH,
    (_req, res) => {
      // Answering at all shows that the event loop runs.
      sendJson(res, 200, { live: true });
      return Promise.resolve();
    },
  ],
  [
    '/health/ready',
    async (_req, res, { app, readinessTimeoutMs }) => {
      const { status, body } = await readiness(app, readinessTimeoutMs);
      sendJson(res, status, body);
    },
  ],
  [
    '/metrics',
    async (req, res, { app }) => {
      const metrics = app.metrics;
      if (metrics === undefined) {
        sendBody(res, 200, 'text/plain; version=0.0.4; charset=utf-8', '');
      } else if (prefersOpenMetrics(req.headers.accept)) {
        sendBody(res, 200, metrics.openMetricsContentType, await metrics.openMetricsText(), {
          vary: 'Accept',
        });
      } else {
        sendBody(res, 200, metrics.contentType, await metrics.text(), { vary: 'Accept' });
      }
    },
  ],
]);
