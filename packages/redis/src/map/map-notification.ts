import { cachePackr } from '../cache/codec/index.js';

/** The pub/sub channel of a map's notifications. */
export function mapChannel(namespace: string): string {
  return `__keel:map:${namespace}`;
}

/** A notification as sent: msgpack `{ key, notificationId, event, value? }`, value as encoded bytes. */
export interface MapNotificationWire {
  readonly key: string | null;
  readonly notificationId: string;
  readonly event: 'set' | 'update' | 'delete' | 'clear';
  /** The value encoded with the cache codec (absent for delete and clear). */
  readonly value?: Uint8Array;
}

/** Encodes a notification. */
export function encodeNotification(notification: MapNotificationWire): Buffer {
  return cachePackr.pack(notification);
}

const EVENTS = new Set(['set', 'update', 'delete', 'clear']);

/** Decodes a notification; undefined when the message is not one. */
export function decodeNotification(message: Uint8Array): MapNotificationWire | undefined {
  let decoded: unknown;
  try {
    decoded = cachePackr.unpack(message);
  } catch {
    return undefined;
  }
  if (typeof decoded !== 'object' || decoded === null) return undefined;
  const { key, notificationId, event, value } = decoded as Record<string, unknown>;
  if (typeof event !== 'string' || !EVENTS.has(event)) return undefined;
  if (typeof notificationId !== 'string') return undefined;
  if (event === 'clear' ? key !== null : typeof key !== 'string') return undefined;
  if (value !== undefined && !(value instanceof Uint8Array)) return undefined;
  return {
    key: key as string | null,
    notificationId,
    event: event as MapNotificationWire['event'],
    ...(value === undefined ? {} : { value }),
  };
}
