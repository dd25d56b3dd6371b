/** A request id: JSON-RPC 2.0 allows a string, a number or null. */
export type JsonRpcId = string | number | null;

/** Params of a call: an object (named) or an array (positional). */
export type RpcParams = Readonly<Record<string, unknown>> | readonly unknown[];

/** A JSON-RPC 2.0 request; without `id` it is a notification and gets no response. */
export interface JsonRpcRequest {
  readonly jsonrpc: '2.0';
  readonly method: string;
  readonly params?: RpcParams;
  readonly id?: JsonRpcId;
}

/** The `error` member of an error response. */
export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** A successful response. */
export interface JsonRpcSuccessResponse {
  readonly jsonrpc: '2.0';
  readonly id: JsonRpcId;
  readonly result: unknown;
}

/** An error response. */
export interface JsonRpcErrorResponse {
  readonly jsonrpc: '2.0';
  readonly id: JsonRpcId;
  readonly error: JsonRpcErrorObject;
}

/** Either kind of response. */
export type JsonRpcResponse = JsonRpcSuccessResponse | JsonRpcErrorResponse;

/** True when `response` is an error response. */
export function isJsonRpcError(response: JsonRpcResponse): response is JsonRpcErrorResponse {
  return 'error' in response;
}
