/** One keyspace event as the forwarder sends it. */
export interface ForwardedEvent {
  /** Database of the key. */
  readonly db: number;
  /** Event name (`set`, `del`, `expired`…). */
  readonly event: string;
  /** The key (UTF-8). */
  readonly key: string;
  /** When the forwarder received it: ms since the epoch. */
  readonly ts: number;
  /** Unique id given by the forwarder (AMQP `messageId`), stable across fallback replays. */
  readonly id: string;
}

/**
 * Message body format: `json` → `{"db":0,"event":"set","key":"k","ts":1700000000000}`;
 * `text` → `db\nevent\nkey` (redis_keyspace_amqp's format).
 */
export type ForwardFormat = 'json' | 'text';

/** The message body of an event in `format`. */
export function encodeEventBody(event: ForwardedEvent, format: ForwardFormat): Buffer {
  if (format === 'text') return Buffer.from(`${event.db}\n${event.event}\n${event.key}`);
  return Buffer.from(JSON.stringify({ db: event.db, event: event.event, key: event.key, ts: event.ts }));
}

/** Serialises an event for the fallback list (every field, JSON). */
export function serializeForFallback(event: ForwardedEvent): string {
  return JSON.stringify([event.db, event.event, event.key, event.ts, event.id]);
}

/** Reads an entry of the fallback list; `undefined` for an entry that is not one. */
export function parseFallbackEntry(entry: string): ForwardedEvent | undefined {
  try {
    const value: unknown = JSON.parse(entry);
    if (!Array.isArray(value) || value.length !== 5) return undefined;
    const [db, event, key, ts, id] = value as unknown[];
    if (
      typeof db !== 'number' ||
      typeof event !== 'string' ||
      typeof key !== 'string' ||
      typeof ts !== 'number' ||
      typeof id !== 'string'
    ) {
      return undefined;
    }
    return { db, event, key, ts, id };
  } catch {
    return undefined;
  }
}
