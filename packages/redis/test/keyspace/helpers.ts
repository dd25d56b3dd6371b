import { setTimeout as sleep } from 'node:timers/promises';
import { withNode, type RedisTarget } from '../../../test-utils/src/index.js';
import type { KeyspaceCallback, KeyspaceEventInfo } from '../../src/keyspace/keyspace-watcher.js';

/** One delivered event, as the tests compare them. */
export interface Seen {
  readonly key: string;
  readonly value: string | null;
  readonly event: string;
  readonly valueKind: KeyspaceEventInfo['valueKind'];
  readonly node: string;
}

/** A callback that records what it gets. */
export function recorder(): {
  seen: Seen[];
  callback: KeyspaceCallback;
  keys: (prefix?: string) => string[];
} {
  const seen: Seen[] = [];
  const callback: KeyspaceCallback = (key, value, event, info) => {
    seen.push({
      key,
      value: value === null ? null : value.toString(),
      event,
      valueKind: info.valueKind,
      node: info.node,
    });
  };
  return {
    seen,
    callback,
    keys: (prefix = '') => seen.filter((s) => s.key.startsWith(prefix)).map((s) => s.key),
  };
}

/** The addresses of every running node of the target (the server, every cluster or Sentinel data node). */
export function nodeAddresses(target: RedisTarget): { host: string; port: number }[] {
  if (target.mode === 'standalone') return [{ host: target.server.host, port: target.server.port }];
  const nodes = target.mode === 'cluster' ? target.cluster.nodes : target.sentinel.nodes;
  return nodes.filter((node) => node.server.running).map(({ host, port }) => ({ host, port }));
}

/** Sets `notify-keyspace-events` on every node. */
export async function setNotifyFlags(target: RedisTarget, value: string): Promise<void> {
  await Promise.all(
    nodeAddresses(target).map((node) =>
      withNode(node, target.password, (client) => client.config('SET', 'notify-keyspace-events', value)),
    ),
  );
}

/** `notify-keyspace-events` of every node, by `host:port`. */
export async function notifyFlags(target: RedisTarget): Promise<Map<string, string>> {
  const entries = await Promise.all(
    nodeAddresses(target).map(async (node) => {
      const reply: unknown = await withNode(node, target.password, (client) =>
        client.config('GET', 'notify-keyspace-events'),
      );
      return [`${node.host}:${node.port}`, Array.isArray(reply) ? String(reply[1]) : ''] as const;
    }),
  );
  return new Map(entries);
}

/** A key prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `${name}:${Math.random().toString(36).slice(2, 8)}:`;
}

/** Writes `<prefix><n>` = n from `lanes` loops at once (each pausing now and then) until stopped. */
export function startProducer(
  write: (key: string, value: string) => Promise<unknown>,
  prefix: string,
  lanes = 8,
): { confirmed: Set<string>; uncertain: Set<string>; count: () => number; stop: () => Promise<void> } {
  const confirmed = new Set<string>();
  const uncertain = new Set<string>();
  let running = true;
  let n = 0;
  const lane = async (): Promise<void> => {
    while (running) {
      const key = `${prefix}${n++}`;
      try {
        await write(key, key);
        confirmed.add(key);
      } catch {
        uncertain.add(key); // may or may not have been written
      }
      if (n % 50 === 0) await sleep(1);
    }
  };
  const loops = Promise.all(Array.from({ length: lanes }, lane));
  return {
    confirmed,
    uncertain,
    count: () => n,
    stop: async () => {
      running = false;
      await loops;
    },
  };
}
