// One page of a SCAN across every master, resumable with a composite cursor.
import { DashboardRequestError } from '../dashboard-request-error.js';
import { nodeAddress, type DashboardRedis } from './dashboard-redis.js';

/** What to scan for. */
export interface ScanPageOptions {
  /** `MATCH` glob. */
  readonly match: string;
  /** `TYPE` filter (`stream`, `string`…). */
  readonly type: string;
  /** Keys wanted in the page (a page may hold a few more: SCAN returns whole batches). */
  readonly limit: number;
  /** The `cursor` of the previous page; none: the first page. */
  readonly cursor?: string | undefined;
}

/** One page: its keys and the cursor of the next page (`null` once every master is done). */
export interface ScanPage {
  readonly keys: readonly string[];
  readonly cursor: string | null;
}

/** Bound on SCAN calls per master for one page. */
const MAX_ROUNDS = 10;
/** Bound on the time one page may scan for, in ms (a database with few matching keys). */
const PAGE_BUDGET_MS = 500;

type NodeCursors = [address: string, cursor: string][];

/**
 * A page of keys: `SCAN <cursor> MATCH … COUNT … TYPE …` on every master that is not done yet,
 * in parallel, repeated (at most 10 rounds, 500 ms) until `limit` keys are found. Never a full
 * scan: the next page resumes from the returned cursor, which holds each master's own cursor.
 * A master that is gone (failover) when the cursor comes back is skipped; one that is new is
 * not scanned by that cursor — start again from the first page to see it.
 */
export async function scanPage(redis: DashboardRedis, options: ScanPageOptions): Promise<ScanPage> {
  const masters = new Map(redis.masters().map((node) => [nodeAddress(node), node]));
  let pending: NodeCursors =
    options.cursor === undefined
      ? [...masters.keys()].map((address) => [address, '0'])
      : decodeCursor(options.cursor).filter(([address]) => masters.has(address));
  const keys = new Set<string>();
  const started = Date.now();
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const count = Math.max(10, Math.ceil(options.limit / pending.length));
    const results = await Promise.all(
      pending.map(async ([address, cursor]): Promise<[string, string]> => {
        const node = masters.get(address);
        if (node === undefined) return [address, '0'];
        const reply = (await node.call(
          'SCAN',
          cursor,
          'MATCH',
          options.match,
          'COUNT',
          count,
          'TYPE',
          options.type,
        )) as [string, string[]];
        for (const key of reply[1]) keys.add(key);
        return [address, reply[0]];
      }),
    );
    pending = results.filter(([, cursor]) => cursor !== '0');
    if (keys.size >= options.limit || Date.now() - started > PAGE_BUDGET_MS) break;
  }
  return { keys: [...keys], cursor: pending.length === 0 ? null : encodeCursor(pending) };
}

function encodeCursor(cursors: NodeCursors): string {
  return Buffer.from(JSON.stringify(cursors), 'utf8').toString('base64url');
}

function decodeCursor(text: string): NodeCursors {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.every(
      (item) =>
        Array.isArray(item) &&
        item.length === 2 &&
        typeof item[0] === 'string' &&
        typeof item[1] === 'string' &&
        /^\d+$/.test(item[1]),
    );
  if (!valid) throw new DashboardRequestError(400, 'cursor: not a cursor returned by this API');
  return parsed as NodeCursors;
}
