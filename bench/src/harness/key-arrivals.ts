import type { Redis } from 'ioredis';

/** Keys cycle through this many names (an op's key is never reused while it is in flight). */
const KEY_SPACE = 1_000_000;
/** Channel prefix of the keyspace notifications of db 0. */
const KEYSPACE_CHANNEL = '__keyspace@0__:';

/**
 * Round trips of fresh keys: each writes a key and waits until something reports the key's
 * arrival elsewhere (a keyspace event delivered, a stream entry read).
 */
export class KeyArrivals {
  readonly #waiters = new Map<string, () => void>();
  readonly #write: (key: string) => Promise<unknown>;
  #next = 0;

  /** @param write writes one key (the producer of every round trip) */
  constructor(write: (key: string) => Promise<unknown>) {
    this.#write = write;
  }

  /** Writes a fresh key under `prefix`; resolves when both the write and the key's arrival are done. */
  async roundTrip(prefix: string): Promise<void> {
    const key = `${prefix}${(this.#next = (this.#next + 1) % KEY_SPACE)}`;
    const arrived = new Promise<void>((resolve) => this.#waiters.set(key, resolve));
    await Promise.all([this.#write(key), arrived]);
  }

  /** Reports the arrival of `key` (ignored unless a round trip waits for it). */
  arrive(key: string): void {
    const resolve = this.#waiters.get(key);
    if (resolve === undefined) return;
    this.#waiters.delete(key);
    resolve();
  }
}

/** Subscribes `subscriber` to the keyspace events (db 0) of the keys matching `keyPattern`. */
export async function onKeyspaceEvents(
  subscriber: Redis,
  keyPattern: string,
  handler: (key: string, event: string) => void,
): Promise<void> {
  await subscriber.psubscribe(`${KEYSPACE_CHANNEL}${keyPattern}`);
  subscriber.on('pmessage', (_pattern: string, channel: string, event: string) => {
    handler(channel.slice(KEYSPACE_CHANNEL.length), event);
  });
}
