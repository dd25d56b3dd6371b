import type { JsonRpcId, RpcParams } from './json-rpc-types.js';

/** A request object that passed the JSON-RPC 2.0 shape checks. */
export interface ValidRequest {
  readonly ok: true;
  readonly method: string;
  /** `undefined` when the request had no params (or `null`). */
  readonly params: RpcParams | undefined;
  readonly id: JsonRpcId;
  /** True when the request has no `id` member: it runs but gets no response. */
  readonly notification: boolean;
}

/** A value that is not a valid request object, with the reason. */
export interface InvalidRequest {
  readonly ok: false;
  readonly reason: string;
}

/**
 * Checks one JSON-RPC 2.0 request object: `jsonrpc` must be `"2.0"`, `method` a non-empty
 * string, `id` (when present) a string, number or null, and `params` (when present) an object
 * or an array; `params: null` is read as no params.
 */
export function parseJsonRpcRequest(value: unknown): ValidRequest | InvalidRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'a request must be an object' };
  }
  const request = value as Readonly<Record<string, unknown>>;
  if (request['jsonrpc'] !== '2.0') return { ok: false, reason: 'jsonrpc must be "2.0"' };
  const method = request['method'];
  if (typeof method !== 'string' || method === '')
    return { ok: false, reason: 'method must be a non-empty string' };
  const hasId = Object.hasOwn(request, 'id');
  const id = hasId ? request['id'] : null;
  if (id !== null && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) {
    return { ok: false, reason: 'id must be a string, a number or null' };
  }
  const params = request['params'];
  if (params !== undefined && params !== null && typeof params !== 'object') {
    return { ok: false, reason: 'params must be an object or an array' };
  }
  return {
    ok: true,
    method,
    params: (params ?? undefined) as RpcParams | undefined,
    id,
    notification: !hasId,
  };
}
