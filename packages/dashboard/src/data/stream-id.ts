// Stream entry ids as the API accepts them.
import { DashboardRequestError } from '../dashboard-request-error.js';

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/** `id` when it is a complete stream id (`<ms>-<seq>`), else a 400 naming `field`. */
export function requireStreamId(id: string, field: string): string {
  if (!STREAM_ID.test(id)) {
    throw new DashboardRequestError(400, `${field}: ${JSON.stringify(id)} is not a stream id (<ms>-<seq>)`);
  }
  return id;
}
