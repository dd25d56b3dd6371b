import { defineLuaScripts, type LuaScript, readLuaScript, runLuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';

const acquireScript: LuaScript = readLuaScript(new URL('./pause-acquire.lua', import.meta.url));
const releaseScript: LuaScript = readLuaScript(new URL('./pause-release.lua', import.meta.url));

/**
 * The shared pause lock of a topic: while any process holds it, every listener of the topic
 * stops reading (across processes). Listeners poll {@link held}.
 */
export interface TopicPauseLock {
  /** The Redis key of the lock. */
  readonly key: string;
  /** Takes the lock for `ttlMs` (or extends it when `owner` holds it); false when another owner does. */
  acquire(owner: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock if `owner` holds it; false otherwise. */
  release(owner: string): Promise<boolean>;
  /** True while anyone holds the lock. */
  held(): Promise<boolean>;
}

/** The pause lock key of a topic stream: `<stream>._lock`. */
export function pauseLockKey(stream: string): string {
  return `${stream}._lock`;
}

/** A pause lock kept in one plain Redis key (`SET PX` with the owner as value). */
export class KeyPauseLock implements TopicPauseLock {
  readonly key: string;
  readonly #client: RedisClient;

  constructor(client: RedisClient, key: string) {
    this.#client = client;
    this.key = key;
    defineLuaScripts(client, [acquireScript, releaseScript]);
  }

  async acquire(owner: string, ttlMs: number): Promise<boolean> {
    return (await runLuaScript(this.#client, acquireScript, [this.key], [owner, ttlMs])) === 1;
  }

  async release(owner: string): Promise<boolean> {
    return (await runLuaScript(this.#client, releaseScript, [this.key], [owner])) === 1;
  }

  async held(): Promise<boolean> {
    return (await this.#client.exists(this.key)) === 1;
  }
}
