import { appendPathKey } from '../validation/issue-path.js';
import { RpcCode } from './rpc-codes.js';
import { type RpcError, rpcError } from './rpc-error.js';

/** One problem found in a call's params, as sent in an invalid-params error's `data.problems`. */
export interface RpcParamsProblem {
  /** Where, in typia's notation (`$input.user.name`, `$input.items[2]`). */
  readonly path: string;
  /** What was expected there. */
  readonly expected: string;
}

/** Keys refused anywhere in params, so no handler can pollute a prototype by merging them. */
export const FORBIDDEN_PARAM_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor']);

/** Params nested deeper than this are refused. */
export const MAX_PARAMS_DEPTH = 64;

/**
 * Finds keys of {@link FORBIDDEN_PARAM_KEYS} (own keys, at any depth) and nesting deeper than
 * {@link MAX_PARAMS_DEPTH}. Returns the problems; an empty list means the params are safe.
 */
export function findUnsafeParams(params: unknown): RpcParamsProblem[] {
  const problems: RpcParamsProblem[] = [];
  walk(params, '$input', 0, problems);
  return problems;
}

function walk(value: unknown, path: string, depth: number, problems: RpcParamsProblem[]): void {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || problems.length >= 10)
    return;
  if (depth >= MAX_PARAMS_DEPTH) {
    problems.push({ path, expected: `at most ${MAX_PARAMS_DEPTH} levels of nesting` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      walk(item, `${path}[${index}]`, depth + 1, problems);
    });
    return;
  }
  for (const key of Object.keys(value)) {
    const keyPath = appendPathKey(path, key);
    if (FORBIDDEN_PARAM_KEYS.has(key)) {
      problems.push({ path: keyPath, expected: 'no "__proto__" or "constructor" key' });
      continue;
    }
    walk((value as Record<string, unknown>)[key], keyPath, depth + 1, problems);
  }
}

/** The -32602 (Invalid params) error listing `problems` in its `data`. */
export function invalidParams(problems: readonly RpcParamsProblem[]): RpcError {
  return rpcError(RpcCode.INVALID_PARAMS, { data: { problems } });
}
