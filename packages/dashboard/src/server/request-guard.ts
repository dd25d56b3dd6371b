// Bearer-token and cross-site checks of API requests (no cookies are ever used).
import type { IncomingMessage } from 'node:http';
import { bearerTokenMatches } from '@keel/core';
import { DashboardRequestError } from '../dashboard-request-error.js';

/** The header every mutating request must carry; a cross-site form or image cannot set it. */
export const CSRF_HEADER = 'x-keel-dashboard';

/** A 401 unless `Authorization: Bearer <token>` carries `token` (nothing to check without one). */
export function checkToken(req: IncomingMessage, token: string | undefined): void {
  if (token === undefined) return;
  if (!bearerTokenMatches(req.headers.authorization, token)) {
    throw new DashboardRequestError(
      401,
      'a valid dashboard token is required: Authorization: Bearer <token>',
    );
  }
}

/**
 * A 403 for a POST without the `X-Keel-Dashboard: 1` header. Browsers send custom headers only
 * from same-origin scripts (or after a CORS preflight, which the dashboard never approves), so a
 * page of another site cannot make a user's browser replay or delete anything.
 */
export function checkCsrfHeader(req: IncomingMessage): void {
  if (req.headers[CSRF_HEADER] !== '1') {
    throw new DashboardRequestError(403, `mutating requests need the header ${CSRF_HEADER}: 1`);
  }
}
