import { defineLuaScripts, type LuaScript, readLuaScript, runLuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';
import { MESSAGE_FIELD } from './wire-format.js';

/** Adds many `_` entries to one stream in one call. */
const xaddManyScript: LuaScript = readLuaScript(new URL('./xadd-many.lua', import.meta.url));

/** Messages per script call: bounds how long one call keeps Redis busy (a few ms). */
const MAX_PER_CALL = 1_000;

/** One message waiting to be added. */
interface QueuedAdd {
  readonly key: string;
  readonly payload: Buffer;
  /** `MAXLEN ~` cap, 0 for none. */
  readonly cap: number;
  resolve(id: string): void;
  reject(error: unknown): void;
}

/** Told how many messages went to `key` (`ok`), or failed to. */
export type WrittenListener = (key: string, count: number, ok: boolean) => void;

/**
 * Adds the messages written during one tick of the event loop together: the messages for one
 * stream (and cap) go in one call of a Lua script that runs their `XADD`s in order, so a burst
 * of `call()`s costs one command instead of one per message; a lone message is a plain `XADD`.
 * Each caller still gets its own entry id or error.
 */
export class XaddBatcher {
  readonly #client: RedisClient;
  readonly #written: WrittenListener;
  #queue: QueuedAdd[] = [];

  constructor(client: RedisClient, written: WrittenListener = () => undefined) {
    this.#client = client;
    this.#written = written;
    defineLuaScripts(client, [xaddManyScript]);
  }

  /** Queues `XADD key [MAXLEN ~ cap] * _ payload`; resolves to the entry id. */
  add(key: string, payload: Buffer, cap: number | null): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#queue.push({ key, payload, cap: cap ?? 0, resolve, reject });
      if (this.#queue.length === 1) {
        process.nextTick(() => {
          this.#flush();
        });
      }
    });
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    if (queue.length === 1) {
      const [only] = queue as [QueuedAdd];
      const added =
        only.cap === 0
          ? this.#client.xadd(only.key, '*', MESSAGE_FIELD, only.payload)
          : this.#client.xadd(only.key, 'MAXLEN', '~', only.cap, '*', MESSAGE_FIELD, only.payload);
      added.then(
        (id) => {
          this.#written(only.key, 1, true);
          only.resolve(id ?? '');
        },
        (error: unknown) => {
          this.#written(only.key, 1, false);
          only.reject(error);
        },
      );
      return;
    }
    for (const group of groupByStream(queue)) {
      for (let start = 0; start < group.length; start += MAX_PER_CALL) {
        this.#send(group.length <= MAX_PER_CALL ? group : group.slice(start, start + MAX_PER_CALL));
      }
    }
  }

  #send(group: readonly QueuedAdd[]): void {
    const [first] = group as [QueuedAdd, ...QueuedAdd[]];
    const args: (number | Buffer)[] = [first.cap];
    for (const item of group) args.push(item.payload);
    runLuaScript(this.#client, xaddManyScript, [first.key], args).then(
      (ids) => {
        const list = Array.isArray(ids) ? (ids as unknown[]) : [];
        let added = 0;
        group.forEach((item, index) => {
          const id = list[index];
          if (typeof id === 'string') {
            added += 1;
            item.resolve(id);
          } else item.reject(new Error('no entry id for a batched XADD'));
        });
        this.#written(first.key, added, true);
        if (added < group.length) this.#written(first.key, group.length - added, false);
      },
      (error: unknown) => {
        this.#written(first.key, group.length, false);
        for (const item of group) item.reject(error);
      },
    );
  }
}

/** Messages per stream and cap, in order (one group without a lookup when all go to one stream, the usual case). */
function groupByStream(queue: readonly QueuedAdd[]): readonly (readonly QueuedAdd[])[] {
  const [first] = queue as [QueuedAdd, ...QueuedAdd[]];
  if (queue.every((item) => item.key === first.key && item.cap === first.cap)) return [queue];
  const groups = new Map<string, QueuedAdd[]>();
  for (const item of queue) {
    const key = `${item.cap} ${item.key}`;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [item]);
    else list.push(item);
  }
  return [...groups.values()];
}
