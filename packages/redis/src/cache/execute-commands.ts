import { Cluster, type ChainableCommander } from 'ioredis';
import type { RedisClient } from '../transport/redis-client.js';
import { keySlot } from '../cluster/key-slot.js';
import { queueCommand, sendCommand, type CacheCommand, type Reply } from './redis-command.js';
import { toError } from '@keel/core';

async function settle(promise: Promise<unknown>): Promise<Reply> {
  try {
    return [null, await promise];
  } catch (error) {
    return [toError(error), undefined];
  }
}

/** Runs commands as one pipeline. */
function execPipeline(client: RedisClient, commands: readonly CacheCommand[]): Promise<Reply[]> {
  const pipeline = client.pipeline();
  for (const command of commands) queueCommand(pipeline, command);
  return execQueued(pipeline, commands.length);
}

interface NodeBatch {
  readonly pipeline: ChainableCommander;
  readonly indices: number[];
}

/**
 * Queues each command on the pipeline of the cluster nodes serving its slot (master and
 * replicas), which one cluster pipeline may span: ioredis's own "slots allocation group"
 * numbers (`_groupsBySlot`, what its pipeline checks against).
 */
function batchByNodes(cluster: Cluster, commands: readonly CacheCommand[]): Map<number, NodeBatch> {
  const groupsBySlot: readonly (number | undefined)[] = cluster._groupsBySlot;
  const batches = new Map<number, NodeBatch>();
  commands.forEach((command, index) => {
    const slot = command.slot ?? keySlot(command.key);
    // Slot owners not known (yet): one pipeline per slot, which ioredis routes itself.
    const group = groupsBySlot[slot] ?? -1 - slot;
    let batch = batches.get(group);
    if (batch === undefined) {
      batch = { pipeline: cluster.pipeline(), indices: [] };
      batches.set(group, batch);
    }
    queueCommand(batch.pipeline, command);
    batch.indices.push(index);
  });
  return batches;
}

/** Sends a pipeline; a failed pipeline fails each of its `count` commands. */
async function execQueued(pipeline: ChainableCommander, count: number): Promise<Reply[]> {
  try {
    const replies = await pipeline.exec();
    if (replies === null) throw new Error('the pipeline was discarded');
    return replies;
  } catch (error) {
    const failure: Reply = [toError(error), undefined];
    return Array.from({ length: count }, () => failure);
  }
}

/**
 * Sends commands and resolves with one reply per command, in order; never rejects (a failed
 * command or connection is in its reply). One command is sent as is; several go in one pipeline,
 * or in a cluster in one pipeline per node, sent in parallel.
 */
export async function executeCommands(
  client: RedisClient,
  commands: readonly CacheCommand[],
): Promise<Reply[]> {
  const [only] = commands;
  if (only === undefined) return [];
  if (commands.length === 1) return [await settle(sendCommand(client, only))];
  if (!(client instanceof Cluster)) return execPipeline(client, commands);
  const batches = batchByNodes(client, commands);
  if (batches.size === 1) {
    const [batch] = batches.values();
    return execQueued((batch as NodeBatch).pipeline, commands.length);
  }
  const replies = new Array<Reply>(commands.length);
  await Promise.all(
    [...batches.values()].map(async ({ pipeline, indices }) => {
      const part = await execQueued(pipeline, indices.length);
      indices.forEach((index, i) => {
        replies[index] = part[i] ?? [new Error('a cache command got no reply'), undefined];
      });
    }),
  );
  return replies;
}
