// readiness: what `/health/ready` answers, from `app.stopping` and `app.health()`.
import type { AppContext } from '../services/service.js';

/** The status and JSON body of a readiness answer. */
export interface Readiness {
  /** 200 when ready, 503 otherwise. */
  readonly status: 200 | 503;
  readonly body: unknown;
}

const STOPPING: Readiness = { status: 503, body: { healthy: false, stopping: true } };

/**
 * Ready (200, `app.health()` as the body) when every required service is healthy, each health
 * check bounded by `timeoutMs`. Not ready (503) with the unhealthy services and their details
 * otherwise, and at once, without asking any service, when the app has begun to stop.
 */
export async function readiness(app: AppContext, timeoutMs: number): Promise<Readiness> {
  if (isStopping(app)) return STOPPING;
  if (app.health === undefined) {
    return { status: 503, body: { healthy: false, error: 'this app context reports no health' } };
  }
  const health = await app.health({ timeoutMs });
  // The app may have begun to stop while the services answered.
  if (isStopping(app)) return STOPPING;
  if (health.healthy) return { status: 200, body: health };
  const unhealthy = Object.fromEntries(
    Object.entries(health.services).filter(([, service]) => !service.healthy),
  );
  return { status: 503, body: { healthy: false, services: unhealthy } };
}

function isStopping(app: AppContext): boolean {
  return app.stopping === true;
}
