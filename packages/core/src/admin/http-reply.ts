// Writing the admin service's answers: JSON bodies and errors (a message, never a stack trace).
import type { ServerResponse } from 'node:http';

/** Headers of every answer: never cached, never sniffed as another type. */
const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

/** Writes `body` with `status` and `Content-Type: contentType`. */
export function sendBody(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Writes `body` as JSON with `status` (a bigint, e.g. in health details, as its decimal string). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  sendBody(res, status, 'application/json; charset=utf-8', text, headers);
}

/** Writes `{ error: { status, message } }` with `status`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status, { error: { status, message } }, headers);
}
