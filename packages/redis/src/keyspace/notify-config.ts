import type { Redis } from 'ioredis';
import { KeyspaceConfigureError, KeyspaceEventsDisabledError } from './keyspace-errors.js';
import { missingNotifyFlags, type KeyspaceEventClass } from './keyspace-flags.js';

/** How a watcher treats a server that lacks the `notify-keyspace-events` flags it needs. */
export type ConfigureMode = 'merge' | 'never';

/** What {@link ensureNotifyFlags} found and did on one node. */
export interface NotifyFlagsResult {
  readonly node: string;
  /** The value before. */
  readonly before: string;
  /** The value after (the same when nothing was missing). */
  readonly after: string;
  /** The flags that were added (empty when none were missing). */
  readonly added: string;
}

/** Attempts at merging while other clients change the value at the same time. */
const MERGE_ATTEMPTS = 5;

async function readFlags(client: Redis, node: string): Promise<string> {
  try {
    const reply = (await client.config('GET', 'notify-keyspace-events')) as unknown;
    const value = Array.isArray(reply) ? (reply as unknown[])[1] : undefined;
    return typeof value === 'string' ? value : '';
  } catch (error) {
    throw new KeyspaceConfigureError(node, error);
  }
}

/**
 * Makes sure the node publishes keyspace (`K`) events of every class in `needed`.
 *
 * `merge`: reads `notify-keyspace-events` and, when flags are missing, sets the current value
 * plus the missing flags — never removing one — then reads it back and repeats (a few times)
 * if another client changed it meanwhile. `never`: only reads, and throws
 * {@link KeyspaceEventsDisabledError} when flags are missing.
 *
 * @throws KeyspaceConfigureError when `CONFIG` fails (ACL, renamed command).
 */
export async function ensureNotifyFlags(
  client: Redis,
  node: string,
  needed: ReadonlySet<KeyspaceEventClass>,
  mode: ConfigureMode,
): Promise<NotifyFlagsResult> {
  const before = await readFlags(client, node);
  let current = before;
  let added = '';
  for (let attempt = 0; attempt < MERGE_ATTEMPTS; attempt++) {
    const missing = missingNotifyFlags(current, needed);
    if (missing === '') return { node, before, after: current, added };
    if (mode === 'never') throw new KeyspaceEventsDisabledError(node, current, missing);
    try {
      await client.config('SET', 'notify-keyspace-events', `${current}${missing}`);
    } catch (error) {
      throw new KeyspaceConfigureError(node, error);
    }
    added += missing;
    current = await readFlags(client, node);
  }
  const missing = missingNotifyFlags(current, needed);
  if (missing === '') return { node, before, after: current, added };
  throw new KeyspaceConfigureError(
    node,
    new Error(`the flags "${missing}" kept being removed by another client`),
  );
}
