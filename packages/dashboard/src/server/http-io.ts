// Reading JSON request bodies with a size limit and writing JSON answers and errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isKeelError, type Logger } from '@keel/core';
import { DashboardRequestError } from '../dashboard-request-error.js';

/** Headers of every API answer. */
const API_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** Writes `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...API_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Answers a failed request: a {@link DashboardRequestError} with its status and message, any
 * other error with 500 and its message only (logged in full) — never a stack trace.
 */
export function sendError(res: ServerResponse, error: unknown, logger: Logger): void {
  if (error instanceof DashboardRequestError) {
    const details = error.details['holder'] === undefined ? {} : { holder: error.details['holder'] };
    sendJson(res, error.status, { error: { status: error.status, message: error.message, ...details } });
    return;
  }
  logger.error({ err: error }, 'dashboard request failed');
  const message = error instanceof Error ? error.message : String(error);
  const code = isKeelError(error) ? { code: error.code } : {};
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 500, { error: { status: 500, message, ...code } });
}

/**
 * The JSON body of a POST: `Content-Type: application/json` required, at most `limit` bytes,
 * parsed with `JSON.parse` (which makes `__proto__` an ordinary key). Anything else is a 400.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    discard(req);
    throw new DashboardRequestError(400, 'the body must be JSON, sent with Content-Type: application/json');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discard(req);
    throw new DashboardRequestError(400, `the body is larger than ${limit} bytes`);
  }
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        discard(req);
        reject(new DashboardRequestError(400, `the body is larger than ${limit} bytes`));
        return;
      }
      parts.push(chunk);
    };
    const onEnd = (): void => {
      resolve(parts);
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DashboardRequestError(
      400,
      `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Reads and drops the rest of a request body we refuse, so the answer can be sent. */
function discard(req: IncomingMessage): void {
  req.resume();
}
