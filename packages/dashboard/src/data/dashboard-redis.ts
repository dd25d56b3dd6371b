// What the dashboard needs of a Redis connection, and how it batches commands on it.
import { executeCommands, type CallCommand, type RedisArg, type RedisClient } from '@keel/redis';
import type { Redis } from 'ioredis';

/** The Redis connection the dashboard reads and writes through; a `RedisTransportService` is one. */
export interface DashboardRedis {
  /** The shared client (a `Redis`, or a `Cluster`). */
  readonly client: RedisClient;
  /** True when `client` is a cluster client. */
  readonly isCluster: boolean;
  /** True when the server is found through Redis Sentinel (`client` is the primary's). */
  readonly isSentinel?: boolean;
  /** Every master's connection (the client itself on a single server). */
  masters(): Redis[];
}

/** The outcome of one command of a {@link runCommands} batch. */
export interface CommandOutcome {
  readonly error: Error | null;
  readonly value: unknown;
}

/** One command of a batch: the key that routes it, its name and arguments. */
export interface DashboardCommand {
  readonly key: string;
  readonly name: string;
  readonly args: readonly RedisArg[];
  /** Bulk replies as Buffers instead of strings. */
  readonly buffer?: boolean;
}

/**
 * Runs `commands` as one pipeline on a single server, or one pipeline per cluster node (in
 * parallel), and resolves with their outcomes in order; never rejects.
 */
export async function runCommands(
  redis: DashboardRedis,
  commands: readonly DashboardCommand[],
): Promise<CommandOutcome[]> {
  const calls: CallCommand[] = commands.map(({ key, name, args, buffer }) => ({
    key,
    name,
    args,
    buffer: buffer ?? false,
  }));
  const replies = await executeCommands(redis.client, calls);
  return replies.map(([error, value]) => ({ error, value }));
}

/** `host:port` of a node connection. */
export function nodeAddress(node: Redis): string {
  return `${node.options.host ?? 'localhost'}:${node.options.port ?? 6379}`;
}
