/** One stream entry as read: its id and its `[field, value, …]` list (`null`: deleted entry). */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Buffer[] | null;
}

/** An entry with how many times it has been delivered (this delivery included). */
export interface DeliveredEntry extends StreamEntry {
  readonly deliveries: number;
}

/** The reply of `XAUTOCLAIM`. */
export interface AutoClaimReply {
  /** Where the next call starts (`0-0`: the scan of the pending list is complete). */
  readonly cursor: string;
  readonly entries: StreamEntry[];
  /** Ids that were pending but whose entries no longer exist (Redis 7 removes them itself). */
  readonly deletedIds: string[];
}

/** One consumer group, from `XINFO GROUPS`. */
export interface StreamGroupInfo {
  readonly name: string;
  readonly consumers: number;
  /** Entries delivered to the group and not yet acknowledged. */
  readonly pending: number;
  readonly lastDeliveredId: string;
  /** Entries not yet delivered to the group (Redis 7; `null` when Redis cannot tell). */
  readonly lag: number | null;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return String(value);
}

function entriesOf(items: unknown, deliveries?: number): StreamEntry[] {
  if (!Array.isArray(items)) return [];
  const entries: StreamEntry[] = [];
  for (const item of items as unknown[]) {
    if (!Array.isArray(item) || item.length === 0) continue;
    const [id, fields] = item as [unknown, unknown];
    const entry: StreamEntry | DeliveredEntry =
      deliveries === undefined
        ? { id: text(id), fields: Array.isArray(fields) ? (fields as Buffer[]) : null }
        : { id: text(id), fields: Array.isArray(fields) ? (fields as Buffer[]) : null, deliveries };
    entries.push(entry);
  }
  return entries;
}

/**
 * The entries of an `XREADGROUP` (or `XREAD`) reply for one stream (empty on timeout), with
 * `deliveries` set when given.
 */
export function parseReadGroupReply(reply: unknown): StreamEntry[];
export function parseReadGroupReply(reply: unknown, deliveries: number): DeliveredEntry[];
export function parseReadGroupReply(reply: unknown, deliveries?: number): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const [stream] = reply as unknown[];
  if (!Array.isArray(stream)) return [];
  return entriesOf((stream as unknown[])[1], deliveries);
}

/** An `XAUTOCLAIM` reply (Redis 6.2 has no third element). */
export function parseAutoClaimReply(reply: unknown): AutoClaimReply {
  const [cursor, entries, deleted] = Array.isArray(reply) ? (reply as unknown[]) : [];
  return {
    cursor: cursor === undefined ? '0-0' : text(cursor),
    entries: entriesOf(entries),
    deletedIds: Array.isArray(deleted) ? (deleted as unknown[]).map(text) : [],
  };
}

/** Delivery counts from an extended `XPENDING` reply: id → times delivered. */
export function parsePendingCounts(reply: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  if (!Array.isArray(reply)) return counts;
  for (const row of reply as unknown[]) {
    if (!Array.isArray(row)) continue;
    const [id, , , deliveries] = row as unknown[];
    counts.set(text(id), Number(deliveries));
  }
  return counts;
}

/** An `XINFO GROUPS` reply. */
export function parseGroupsInfo(reply: unknown): StreamGroupInfo[] {
  if (!Array.isArray(reply)) return [];
  return (reply as unknown[]).filter(Array.isArray).map((row) => {
    const fields = new Map<string, unknown>();
    const list = row as unknown[];
    for (let i = 0; i + 1 < list.length; i += 2) fields.set(text(list[i]), list[i + 1]);
    const lag = fields.get('lag');
    return {
      name: text(fields.get('name')),
      consumers: Number(fields.get('consumers') ?? 0),
      pending: Number(fields.get('pending') ?? 0),
      lastDeliveredId: text(fields.get('last-delivered-id') ?? '0-0'),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}

/** True when a Redis error says the group (or its stream) does not exist. */
export function isNoGroupError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith('NOGROUP') || message.includes('no longer exists');
}
