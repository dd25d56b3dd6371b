/**
 * JSON-RPC error codes used by the server: the standard ones of JSON-RPC 2.0 and Keel's server
 * errors, in the -32000..-32099 range the spec reserves for implementations.
 */
export const RpcCode = Object.freeze({
  /** The text is not valid JSON (for transports that parse text). */
  PARSE_ERROR: -32700,
  /** Not a valid JSON-RPC 2.0 request object, an empty batch, or a malformed header. */
  INVALID_REQUEST: -32600,
  /** The method does not exist, or the caller's scope may not call it (indistinguishable). */
  METHOD_NOT_FOUND: -32601,
  /** The params failed the method's validator or contain forbidden keys. */
  INVALID_PARAMS: -32602,
  /** The handler failed with an error that is not an {@link RpcError}. */
  INTERNAL_ERROR: -32603,
  /** The `Deadline` header had passed before the handler could run (or while it ran). */
  DEADLINE_EXCEEDED: -32001,
  /** The call took longer than its timeout (`Timeout` header or `defaultRequestTimeMs`). */
  REQUEST_TIMEOUT: -32002,
  /** The transport aborted the call (its `signal`). */
  REQUEST_CANCELLED: -32003,
  /** The server is closing and accepts no new calls. */
  SERVER_CLOSING: -32004,
  /** Every task slot is busy and the wait queue is full. */
  SERVER_BUSY: -32005,
} as const);

/** One of the codes the server itself produces. */
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode];

/** The message sent with each server code. */
export const rpcMessages: Readonly<Record<RpcCode, string>> = Object.freeze({
  [RpcCode.PARSE_ERROR]: 'Parse error',
  [RpcCode.INVALID_REQUEST]: 'Invalid Request',
  [RpcCode.METHOD_NOT_FOUND]: 'Method not found',
  [RpcCode.INVALID_PARAMS]: 'Invalid params',
  [RpcCode.INTERNAL_ERROR]: 'Internal error',
  [RpcCode.DEADLINE_EXCEEDED]: 'Request deadline exceeded',
  [RpcCode.REQUEST_TIMEOUT]: 'Request timed out',
  [RpcCode.REQUEST_CANCELLED]: 'Request cancelled',
  [RpcCode.SERVER_CLOSING]: 'Server closing',
  [RpcCode.SERVER_BUSY]: 'Server busy',
});

/** The Keel error code (`KeelError.code`) of each server code. */
export const rpcKeelCodes: Readonly<Record<RpcCode, string>> = Object.freeze({
  [RpcCode.PARSE_ERROR]: 'RPC_PARSE_ERROR',
  [RpcCode.INVALID_REQUEST]: 'RPC_INVALID_REQUEST',
  [RpcCode.METHOD_NOT_FOUND]: 'RPC_METHOD_NOT_FOUND',
  [RpcCode.INVALID_PARAMS]: 'RPC_INVALID_PARAMS',
  [RpcCode.INTERNAL_ERROR]: 'RPC_INTERNAL_ERROR',
  [RpcCode.DEADLINE_EXCEEDED]: 'RPC_DEADLINE_EXCEEDED',
  [RpcCode.REQUEST_TIMEOUT]: 'RPC_REQUEST_TIMEOUT',
  [RpcCode.REQUEST_CANCELLED]: 'RPC_REQUEST_CANCELLED',
  [RpcCode.SERVER_CLOSING]: 'RPC_SERVER_CLOSING',
  [RpcCode.SERVER_BUSY]: 'RPC_SERVER_BUSY',
});
