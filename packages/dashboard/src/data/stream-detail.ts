// One topic stream in full: its summary plus every group's consumers.
import { DashboardRequestError } from '../dashboard-request-error.js';
import { runCommands, type DashboardRedis } from './dashboard-redis.js';
import {
  flatMap,
  streamSummaries,
  type GroupSummary,
  type StreamSummary,
  type TrimModeLookup,
} from './stream-summaries.js';
import { parseTopicStreamKey } from './topic-stream-key.js';

/** One consumer of a group (`XINFO CONSUMERS`). */
export interface ConsumerSummary {
  readonly name: string;
  /** Entries delivered to it and not acknowledged. */
  readonly pending: number;
  /** Since its last attempted interaction, ms. */
  readonly idleMs: number;
}

/** A group with its consumers. */
export interface GroupDetail extends GroupSummary {
  readonly consumerList: readonly ConsumerSummary[];
}

/** A topic stream with its groups' consumers. */
export interface StreamDetail extends Omit<StreamSummary, 'groups'> {
  readonly groups: readonly GroupDetail[];
}

/** The topic stream key named by a request, or a 400. */
export function requireTopicStream(key: string): string {
  if (parseTopicStreamKey(key) === undefined) {
    throw new DashboardRequestError(
      400,
      `key: ${JSON.stringify(key)} is not a topic stream key (<namespace>._stream.<topic>)`,
    );
  }
  return key;
}

/** The stream `key` in full; a 404 when it does not exist. */
export async function streamDetail(
  redis: DashboardRedis,
  key: string,
  trimMode?: TrimModeLookup,
): Promise<StreamDetail> {
  const [summary] = await streamSummaries(redis, [requireTopicStream(key)], trimMode);
  if (summary === undefined || !summary.exists) {
    throw new DashboardRequestError(404, `no stream ${JSON.stringify(key)}`);
  }
  const outcomes = await runCommands(
    redis,
    summary.groups.map((group) => ({ key, name: 'XINFO', args: ['CONSUMERS', key, group.name] })),
  );
  const groups = summary.groups.map((group, index): GroupDetail => {
    const outcome = outcomes[index];
    const rows = outcome?.error === null && Array.isArray(outcome.value) ? (outcome.value as unknown[]) : [];
    const consumerList = rows.flatMap((row): ConsumerSummary[] => {
      const fields = flatMap(row);
      if (fields === undefined) return [];
      return [
        {
          name: String(fields.get('name')),
          pending: Number(fields.get('pending') ?? 0),
          idleMs: Number(fields.get('idle') ?? 0),
        },
      ];
    });
    return { ...group, consumerList };
  });
  return { ...summary, groups };
}
