import { KeelError } from '../errors/keel-error.js';
import { RpcCode } from './rpc-codes.js';
import { RpcError, rpcError } from './rpc-error.js';

/**
 * The error a caller sees for `error`: an {@link RpcError} as is; anything else becomes -32603
 * "Internal error" without message or stack (a {@link KeelError} adds its `name` and `code` as
 * data, which are stable and safe).
 */
export function toRpcError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  if (error instanceof KeelError) {
    return rpcError(RpcCode.INTERNAL_ERROR, { cause: error, data: { error: error.name, code: error.code } });
  }
  return rpcError(RpcCode.INTERNAL_ERROR, { cause: error });
}
