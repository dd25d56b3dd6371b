import { KeelError } from '../errors/keel-error.js';
import type { JsonRpcErrorObject } from './json-rpc-types.js';
import { RpcCode, rpcKeelCodes, rpcMessages } from './rpc-codes.js';

/** Options of {@link RpcError}. */
export interface RpcErrorOptions {
  /** Sent to the caller as the error's `data` (must be serialisable; never put secrets here). */
  readonly data?: unknown;
  /** The underlying error; logged, never sent. */
  readonly cause?: unknown;
  /** The Keel error code (`error.code`); derived from the JSON-RPC code when unset. */
  readonly keelCode?: string;
}

/**
 * An error that reaches the caller as a JSON-RPC error object. Handlers throw it to answer with
 * their own code, message and data (application codes should stay outside -32768..-32000);
 * any other error a handler throws becomes a generic "Internal error".
 *
 * `rpcCode` is the JSON-RPC code; `code` is Keel's string code (`RPC_METHOD_NOT_FOUND`, …,
 * `RPC_APPLICATION_ERROR` for codes outside {@link RpcCode}).
 *
 * ```ts
 * throw new RpcError(4001, 'Out of stock', { data: { sku } });
 * ```
 */
export class RpcError extends KeelError {
  /** The JSON-RPC error code sent to the caller. */
  readonly rpcCode: number;
  /** The `data` member sent to the caller, if any. */
  readonly data: unknown;

  constructor(rpcCode: number, message?: string, options: RpcErrorOptions = {}) {
    const known = rpcKeelCodes[rpcCode as RpcCode] as string | undefined;
    const standard = rpcMessages[rpcCode as RpcCode] as string | undefined;
    super(options.keelCode ?? known ?? 'RPC_APPLICATION_ERROR', message ?? standard ?? 'Server error', {
      cause: options.cause,
      details: { rpcCode },
    });
    this.rpcCode = rpcCode;
    this.data = options.data;
  }

  /** The JSON-RPC `error` member for this error. */
  toErrorObject(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.rpcCode, message: this.message }
      : { code: this.rpcCode, message: this.message, data: this.data };
  }

  /** Rebuilds an error received in a response (for clients). */
  static fromErrorObject(error: JsonRpcErrorObject): RpcError {
    return new RpcError(error.code, error.message, error.data === undefined ? {} : { data: error.data });
  }
}

/** An {@link RpcError} with a server code and its standard message. */
export function rpcError(code: RpcCode, options: RpcErrorOptions = {}): RpcError {
  return new RpcError(code, rpcMessages[code], options);
}
