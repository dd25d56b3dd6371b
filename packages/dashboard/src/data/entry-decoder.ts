// Decodes a stream entry from Keel's wire format, with the raw fields as a fallback.
import { decodeStreamMessage, MESSAGE_FIELD, parseRpcBody } from '@keel/redis';
import { toJsonSafe, type JsonValue } from './json-safe.js';
import { idTime } from './stream-summaries.js';

/** A field of an entry as stored. */
export interface RawField {
  readonly name: string;
  /** The value as text when it is printable UTF-8, else `null`. */
  readonly text: string | null;
  /** The value in base64 (the first 64 KiB when `truncated`). */
  readonly base64: string;
  readonly bytes: number;
  readonly truncated: boolean;
}

/** One call of a message. */
export interface DecodedCall {
  readonly method: string;
  readonly params: JsonValue;
}

/** A message decoded from its `_` field. */
export interface DecodedMessage {
  readonly calls: readonly DecodedCall[];
  readonly batch: boolean;
  readonly headers: JsonValue;
}

/** A stream entry for display. */
export interface DecodedEntry {
  readonly id: string;
  /** From the id, ms since the epoch. */
  readonly at: number | null;
  /** `null` when the entry is not in the wire format (see `error` and `fields`). */
  readonly message: DecodedMessage | null;
  /** Why `message` is `null`. */
  readonly error: string | null;
  /** Every field except a decoded `_` (for an undecodable entry: all of them, raw). */
  readonly fields: readonly RawField[];
}

/** Messages larger than this are not decoded (shown raw, truncated). */
const MAX_DECODED_BYTES = 256 * 1024;
const MAX_RAW_BYTES = 64 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A field's value for display. */
export function rawField(name: Buffer, value: Buffer): RawField {
  const shown = value.subarray(0, MAX_RAW_BYTES);
  return {
    name: printable(name) ?? name.toString('base64'),
    text: printable(value),
    base64: shown.toString('base64'),
    bytes: value.length,
    truncated: shown.length < value.length,
  };
}

function printable(value: Buffer): string | null {
  if (value.length > MAX_RAW_BYTES) return null;
  try {
    const text = utf8.decode(value);
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text;
  } catch {
    return null;
  }
}

/** Decodes the entry `id` with its `[field, value, …]` list (`null`: a deleted entry). */
export function decodeEntry(id: string, fields: readonly Buffer[] | null): DecodedEntry {
  const list = fields ?? [];
  let payloadIndex = -1;
  for (let i = 0; i + 1 < list.length; i += 2) {
    if (list[i]?.toString('latin1') === MESSAGE_FIELD) {
      payloadIndex = i;
      break;
    }
  }
  let message: DecodedMessage | null = null;
  let error: string | null = null;
  const payload = payloadIndex === -1 ? undefined : list[payloadIndex + 1];
  if (payload === undefined) {
    error = `no "${MESSAGE_FIELD}" field`;
  } else if (payload.length > MAX_DECODED_BYTES) {
    error = `the message is too large to show decoded (${payload.length} bytes)`;
  } else {
    try {
      const decoded = decodeStreamMessage(payload);
      const body = parseRpcBody(decoded.body);
      message = {
        calls: body.calls.map((call) => ({ method: call.method, params: toJsonSafe(call.params) })),
        batch: body.batch,
        headers: toJsonSafe(decoded.headers),
      };
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
  }
  const raw: RawField[] = [];
  for (let i = 0; i + 1 < list.length; i += 2) {
    if (message !== null && i === payloadIndex) continue;
    const name = list[i];
    const value = list[i + 1];
    if (name !== undefined && value !== undefined) raw.push(rawField(name, value));
  }
  return { id, at: idTime(id), message, error, fields: raw };
}

/** The entries of an `XRANGE`/`XREVRANGE` reply read with Buffers. */
export function rangeEntries(reply: unknown): { id: string; fields: Buffer[] | null }[] {
  if (!Array.isArray(reply)) return [];
  return (reply as unknown[]).flatMap((item) => {
    if (!Array.isArray(item)) return [];
    const [id, fields] = item as [unknown, unknown];
    const text = Buffer.isBuffer(id) ? id.toString('latin1') : String(id);
    return [{ id: text, fields: Array.isArray(fields) ? (fields as Buffer[]) : null }];
  });
}
