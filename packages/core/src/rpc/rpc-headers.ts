import { RpcCode } from './rpc-codes.js';
import { rpcError } from './rpc-error.js';

/** Headers of a call as a transport received them; names are matched case-insensitively. */
export type RpcHeaders = Readonly<Record<string, unknown>>;

/** The headers the server understands, as parsed by {@link parseRpcHeaders}. */
export interface ParsedRpcHeaders {
  /** `Correlation-Id`: echoed in logs and given to the handler. */
  readonly correlationId?: string;
  /** `Session-Id`: given to the handler. */
  readonly sessionId?: string;
  /** `Deadline`, converted to epoch milliseconds. */
  readonly deadlineMs?: number;
  /** `Timeout`, converted to milliseconds (not yet clamped). */
  readonly timeoutMs?: number;
}

/** Deadlines above this are read as milliseconds rather than seconds (10^11 s is the year 5138). */
const MS_THRESHOLD = 1e11;

/**
 * Reads `Correlation-Id`, `Session-Id`, `Deadline` (unix epoch seconds, fractions allowed; a
 * value above 10^11 is taken as milliseconds) and `Timeout` (seconds, fractions allowed, > 0).
 * Values may be strings or numbers. A malformed `Deadline` or `Timeout` throws an
 * {@link RpcError} with code -32600 (Invalid Request).
 */
export function parseRpcHeaders(headers: RpcHeaders | undefined): ParsedRpcHeaders {
  if (headers === undefined) return {};
  let correlationId: string | undefined;
  let sessionId: string | undefined;
  let deadlineMs: number | undefined;
  let timeoutMs: number | undefined;
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value === undefined || value === null) continue;
    switch (key.toLowerCase()) {
      case 'correlation-id':
        correlationId = textOf(value, key);
        break;
      case 'session-id':
        sessionId = textOf(value, key);
        break;
      case 'deadline': {
        const seconds = numberOf(value, key, 'unix epoch seconds');
        deadlineMs = seconds > MS_THRESHOLD ? seconds : seconds * 1000;
        break;
      }
      case 'timeout': {
        const seconds = numberOf(value, key, 'a number of seconds greater than 0');
        if (seconds <= 0) throw invalidHeader(key, 'a number of seconds greater than 0');
        timeoutMs = seconds * 1000;
        break;
      }
      default:
        break;
    }
  }
  return {
    ...(correlationId === undefined || correlationId === '' ? {} : { correlationId }),
    ...(sessionId === undefined || sessionId === '' ? {} : { sessionId }),
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
}

function textOf(value: unknown, header: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw invalidHeader(header, 'a string');
}

function numberOf(value: unknown, header: string, expected: string): number {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(number) || number < 0) throw invalidHeader(header, expected);
  return number;
}

function invalidHeader(header: string, expected: string): Error {
  return rpcError(RpcCode.INVALID_REQUEST, { data: { header, expected } });
}
