// The error of a dashboard API request that the client got wrong (answered with its status).
import { KeelError } from '@keel/core';

/** HTTP statuses the API answers a bad request with. */
export type RequestErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 415 | 429;

/**
 * A request the dashboard refuses: bad input (400), no or a wrong token (401), an unknown route
 * (404), a pause lock held by someone else (409)… The API answers with `status` and
 * `{ error: { status, message } }`; the message is meant for the user, never a stack trace.
 */
export class DashboardRequestError extends KeelError {
  readonly status: RequestErrorStatus;

  constructor(status: RequestErrorStatus, message: string, details?: Record<string, unknown>) {
    super('DASHBOARD_BAD_REQUEST', message, details === undefined ? {} : { details });
    this.status = status;
  }
}
