import { Cluster, type Redis } from 'ioredis';
import type { KeyspaceEvent } from './keyspace-event.js';
import { NON_STRING_CLASSES } from './keyspace-flags.js';

/**
 * What a delivered `value` is: `string` (the string's bytes), `missing` (no such key when it was
 * read: deleted, expired), `non-string` (a hash, list, set, sorted set or stream: `null`; read it
 * yourself), `not-fetched` (`fetchValue: none`), `error` (the `GET` failed: `null`).
 */
export type KeyspaceValueKind = 'string' | 'missing' | 'non-string' | 'not-fetched' | 'error';

/** A value read for an event. */
export interface FetchedValue {
  readonly value: Buffer | null;
  readonly kind: KeyspaceValueKind;
  readonly error?: Error;
}

const NOT_FETCHED: FetchedValue = { value: null, kind: 'not-fetched' };
const NON_STRING: FetchedValue = { value: null, kind: 'non-string' };
const MISSING: FetchedValue = { value: null, kind: 'missing' };

/** Where values are read from: per node, and (cluster) the routing client as a fallback. */
export interface ValueReader {
  /** The command connection of a node listened to (undefined once it is gone). */
  commandClient(node: string): Redis | undefined;
  /** The client events come from (a `Cluster` routes by slot). */
  readonly client: Redis | Cluster;
}

function isWrongType(error: Error): boolean {
  return error.message.startsWith('WRONGTYPE');
}

function fromReply(error: Error | null | undefined, reply: unknown): FetchedValue | undefined {
  if (error !== null && error !== undefined) return isWrongType(error) ? NON_STRING : undefined;
  if (Buffer.isBuffer(reply)) return { value: reply, kind: 'string' };
  if (typeof reply === 'string') return { value: Buffer.from(reply), kind: 'string' };
  return MISSING;
}

/** One `GET` through the routing client; never rejects. */
async function getOne(client: Redis | Cluster, key: Buffer): Promise<FetchedValue> {
  try {
    return fromReply(null, await client.getBuffer(key)) ?? MISSING;
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    return isWrongType(failure) ? NON_STRING : { value: null, kind: 'error', error: failure };
  }
}

interface Slot {
  readonly event: KeyspaceEvent;
  result: FetchedValue;
}

/** `GET`s the slots' keys in one pipeline on `client`; returns the slots to read again elsewhere. */
async function fetchOnNode(client: Redis, slots: readonly Slot[], cluster: boolean): Promise<Slot[]> {
  const pipeline = client.pipeline();
  for (const slot of slots) pipeline.getBuffer(slot.event.keyBytes);
  let replies: [Error | null, unknown][] | null;
  try {
    replies = await pipeline.exec();
  } catch {
    replies = null;
  }
  const retry: Slot[] = [];
  slots.forEach((slot, position) => {
    const [error, reply] = replies?.[position] ?? [new Error('the pipeline failed'), null];
    const fetched = fromReply(error, reply);
    if (fetched !== undefined) slot.result = fetched;
    else if (cluster) retry.push(slot);
    else slot.result = { value: null, kind: 'error', error: error ?? new Error('no reply') };
  });
  return retry;
}

/**
 * Reads the current value of every event's key with `GET`, one pipeline per node (the node that
 * published the event holds the key). Events whose class proves a non-string key (`l s h z t`)
 * are not read. A key the node no longer serves (`MOVED`, failover) is read again through the
 * cluster client. Never rejects: failures are `kind: 'error'` entries.
 */
export async function fetchValues(
  reader: ValueReader,
  events: readonly KeyspaceEvent[],
): Promise<FetchedValue[]> {
  const cluster = reader.client instanceof Cluster;
  const slots: Slot[] = events.map((event) => ({
    event,
    result: NON_STRING_CLASSES.has(event.eventClass) ? NON_STRING : NOT_FETCHED,
  }));
  const byNode = new Map<string, Slot[]>();
  for (const slot of slots) {
    if (slot.result === NON_STRING) continue;
    const list = byNode.get(slot.event.node);
    if (list === undefined) byNode.set(slot.event.node, [slot]);
    else list.push(slot);
  }
  const retries = await Promise.all(
    [...byNode].map(async ([node, list]) => {
      const client = reader.commandClient(node);
      if (client !== undefined) return fetchOnNode(client, list, cluster);
      if (cluster) return list;
      for (const slot of list)
        slot.result = { value: null, kind: 'error', error: new Error(`node ${node} is gone`) };
      return [];
    }),
  );
  await Promise.all(
    retries.flat().map(async (slot) => {
      slot.result = await getOne(reader.client, slot.event.keyBytes);
    }),
  );
  return slots.map((slot) => slot.result);
}
