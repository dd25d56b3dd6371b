// The JSON-RPC 2.0 envelope of a server answer: version tag and error responses.
import type { JsonRpcId, JsonRpcResponse } from './json-rpc-types.js';
import { toRpcError } from './to-rpc-error.js';

/** The `jsonrpc` member of every response. */
export const JSONRPC = '2.0';

/** The error response to the request `id`, for any thrown value (non-RpcErrors become -32603). */
export function errorResponse(id: JsonRpcId, error: unknown): JsonRpcResponse {
  return { jsonrpc: JSONRPC, id, error: toRpcError(error).toErrorObject() };
}
