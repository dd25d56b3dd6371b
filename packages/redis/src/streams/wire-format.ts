import { StreamMessageError } from './stream-errors.js';
import { streamPackr } from './stream-packr.js';

/** The one field of a stream entry (kaiju's wire format): msgpack `[body, headers]`. */
export const MESSAGE_FIELD = '_';
const MESSAGE_FIELD_BYTE = MESSAGE_FIELD.charCodeAt(0);

/** Headers of a message: names are matched case-insensitively by the RPC server. */
export type StreamHeaders = Readonly<Record<string, unknown>>;

/** One method call of a message body. */
export interface RpcCall {
  readonly method: string;
  readonly params: unknown;
}

/** A call as a `[method, params]` pair, the body of a kaiju stream message. */
export type RpcCallTuple = readonly [method: string, params?: unknown];

/** The body of a batch message: `[[method, params], …]` (params `null` when none). */
export function batchBody(calls: readonly (RpcCallTuple | RpcCall)[]): [string, unknown][] {
  return calls.map((call): [string, unknown] =>
    'method' in call ? [call.method, call.params ?? null] : [call[0], call[1] ?? null],
  );
}

/** A decoded message. */
export interface DecodedStreamMessage {
  readonly body: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
}

/** Encodes `[body, headers]`, the value of the {@link MESSAGE_FIELD} field. */
export function encodeStreamMessage(body: unknown, headers: StreamHeaders = {}): Buffer {
  return streamPackr.pack([body, headers]);
}

/** The `_` field of an entry's `[field, value, …]` list; throws {@link StreamMessageError}. */
export function messagePayload(fields: readonly Buffer[] | null | undefined): Buffer {
  if (fields === null || fields === undefined) throw new StreamMessageError('the entry has no fields');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    if (name !== undefined && name.length === 1 && name[0] === MESSAGE_FIELD_BYTE) {
      const value = fields[i + 1];
      if (value !== undefined) return value;
    }
  }
  throw new StreamMessageError(`the entry has no "${MESSAGE_FIELD}" field`);
}

/** Decodes the value of the `_` field; throws {@link StreamMessageError}. */
export function decodeStreamMessage(payload: Buffer): DecodedStreamMessage {
  let decoded: unknown;
  try {
    decoded = streamPackr.unpack(payload);
  } catch (error) {
    throw new StreamMessageError('the "_" field is not valid MessagePack', { cause: error });
  }
  if (!Array.isArray(decoded) || decoded.length < 1 || decoded.length > 2) {
    throw new StreamMessageError('the "_" field must hold a [body, headers] array');
  }
  const [body, headers] = decoded as [unknown, unknown];
  if (headers === undefined || headers === null) return { body, headers: {} };
  if (typeof headers !== 'object' || Array.isArray(headers) || headers instanceof Uint8Array) {
    throw new StreamMessageError('the headers of a message must be a map');
  }
  return { body, headers: headers as Record<string, unknown> };
}

/**
 * Reads the calls of a message body: `[method, params]` (one call), a list of such pairs (a
 * batch), or — accepted for tolerance — `{ method, params }` objects in their place. Throws
 * {@link StreamMessageError} for anything else.
 */
export function parseRpcBody(body: unknown): { readonly calls: readonly RpcCall[]; readonly batch: boolean } {
  if (!Array.isArray(body)) {
    const single = callOf(body);
    if (single === undefined) throw invalidBody();
    return { calls: [single], batch: false };
  }
  if (typeof body[0] === 'string') {
    const single = callOf(body);
    if (single === undefined) throw invalidBody();
    return { calls: [single], batch: false };
  }
  if (body.length === 0) throw new StreamMessageError('a batch body must not be empty');
  const calls: RpcCall[] = [];
  for (const item of body as unknown[]) {
    const call = callOf(item);
    if (call === undefined) throw invalidBody();
    calls.push(call);
  }
  return { calls, batch: true };
}

function callOf(value: unknown): RpcCall | undefined {
  if (Array.isArray(value)) {
    if (value.length < 1 || value.length > 2 || typeof value[0] !== 'string') return undefined;
    return { method: value[0], params: value[1] as unknown };
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    const { method, params } = value as { method?: unknown; params?: unknown };
    if (typeof method !== 'string') return undefined;
    return { method, params };
  }
  return undefined;
}

function invalidBody(): StreamMessageError {
  return new StreamMessageError('the body must be [method, params] or a list of [method, params]');
}
