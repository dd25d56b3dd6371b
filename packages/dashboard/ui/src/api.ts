// Calls the dashboard's JSON API: token as a Bearer header, POSTs as JSON with the CSRF header.
import { getToken } from './token.js';

/** An error answer of the API. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

type Params = Record<string, string | number | boolean | readonly string[] | undefined>;

/** The URL of an API route (relative to the page, so a prefix mount works). */
export function apiUrl(route: string, params: Params = {}): string {
  const url = new URL(`api/${route}`, document.baseURI);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const values: readonly (string | number | boolean)[] = Array.isArray(value)
      ? (value as readonly string[])
      : [value as string | number | boolean];
    for (const item of values) url.searchParams.append(name, String(item));
  }
  return url.toString();
}

/** The request headers: the token, when there is one. */
export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token === null ? {} : { authorization: `Bearer ${token}` };
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  if (!response.ok) {
    const message =
      typeof body === 'object' && body !== null && 'error' in body
        ? String((body as { error: { message?: unknown } }).error.message)
        : `HTTP ${response.status}`;
    throw new ApiError(response.status, message, body);
  }
  return body as T;
}

/** `GET api/<route>?params`. */
export async function apiGet<T>(route: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  return answer<T>(
    await fetch(apiUrl(route, params), { headers: authHeaders(), ...(signal ? { signal } : {}) }),
  );
}

/** `POST api/<route>` with a JSON body. */
export async function apiPost<T>(route: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(apiUrl(route), {
      method: 'POST',
      headers: { ...authHeaders(), 'content-type': 'application/json', 'x-keel-dashboard': '1' },
      body: JSON.stringify(body),
    }),
  );
}
