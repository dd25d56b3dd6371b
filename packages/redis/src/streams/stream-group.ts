import type { RedisClient } from '../transport/redis-client.js';
import {
  type AutoClaimReply,
  type DeliveredEntry,
  parseAutoClaimReply,
  parseGroupsInfo,
  parsePendingCounts,
  parseReadGroupReply,
  type StreamEntry,
  type StreamGroupInfo,
} from './stream-replies.js';

/** The Redis commands of one consumer in one consumer group of a stream. */
export class StreamGroup {
  readonly client: RedisClient;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;

  constructor(client: RedisClient, stream: string, group: string, consumer: string) {
    this.client = client;
    this.stream = stream;
    this.group = group;
    this.consumer = consumer;
  }

  /**
   * Creates the group at the start of the stream, and the stream if needed
   * (`XGROUP CREATE <stream> <group> 0 MKSTREAM`). Resolves `false` when the group existed.
   */
  async ensure(): Promise<boolean> {
    try {
      await this.client.call('XGROUP', 'CREATE', this.stream, this.group, '0', 'MKSTREAM');
      return true;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('BUSYGROUP')) return false;
      throw error;
    }
  }

  /** The group as `XINFO GROUPS` reports it; `undefined` when the stream or the group is gone. */
  async info(): Promise<StreamGroupInfo | undefined> {
    try {
      const groups = parseGroupsInfo(await this.client.call('XINFO', 'GROUPS', this.stream));
      return groups.find((group) => group.name === this.group);
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return undefined;
      throw error;
    }
  }

  /** New entries (`XREADGROUP … BLOCK <blockMs> … >`) on the blocking connection `reader`. */
  async readNew(reader: RedisClient, count: number, blockMs: number): Promise<DeliveredEntry[]> {
    const reply = await reader.callBuffer(
      'XREADGROUP',
      'GROUP',
      this.group,
      this.consumer,
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.stream,
      '>',
    );
    return parseReadGroupReply(reply, 1);
  }

  /**
   * This consumer's own pending entries after `cursor` (`XREADGROUP … <cursor>`, no blocking);
   * `next` is where to go on, `undefined` once they are all read.
   */
  async readOwnPending(
    reader: RedisClient,
    cursor: string,
    count: number,
  ): Promise<{ readonly entries: StreamEntry[]; readonly next: string | undefined }> {
    const reply = await reader.callBuffer(
      'XREADGROUP',
      'GROUP',
      this.group,
      this.consumer,
      'COUNT',
      count,
      'STREAMS',
      this.stream,
      cursor,
    );
    const entries = parseReadGroupReply(reply);
    return { entries, next: entries.at(-1)?.id };
  }

  /** Claims entries pending longer than `minIdleMs` (`XAUTOCLAIM`, entries included) from `cursor`. */
  async autoClaim(minIdleMs: number, cursor: string, count: number): Promise<AutoClaimReply> {
    return parseAutoClaimReply(
      await this.client.callBuffer(
        'XAUTOCLAIM',
        this.stream,
        this.group,
        this.consumer,
        minIdleMs,
        cursor,
        'COUNT',
        count,
      ),
    );
  }

  /** Adds delivery counts (`XPENDING <stream> <group> <id> <id> 1` per entry, one pipeline). */
  async withDeliveries(entries: readonly StreamEntry[]): Promise<DeliveredEntry[]> {
    if (entries.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const { id } of entries) pipeline.xpending(this.stream, this.group, id, id, 1);
    const results = (await pipeline.exec()) ?? [];
    return entries.map((entry, index) => {
      const [error, reply] = results[index] ?? [null, null];
      const deliveries = error === null ? parsePendingCounts(reply).get(entry.id) : undefined;
      return { ...entry, deliveries: deliveries ?? 1 };
    });
  }
}
