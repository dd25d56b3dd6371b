/* Lock scripts followed by WAIT: a lock counts only once replicas have it. */
import type { LuaScript } from '../lua/lua-script.js';
import { defineLuaScripts, runLuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';
import { closeClient } from '../transport/close-client.js';
import { LockArgumentError } from './errors/lock-argument-error.js';
import { LockNotReplicatedError } from './errors/lock-not-replicated-error.js';

/** How many replicas must confirm, and how long `WAIT` may take. */
export interface ReplicaRequirement {
  readonly replicas: number;
  readonly timeoutMs: number;
}

/**
 * The requirement of one call: `replicas`/`timeoutMs` given to it, else the settings' defaults.
 * Throws {@link LockArgumentError} for a negative or fractional count, or a timeout below 1 ms.
 */
export function replicaRequirement(
  replicas: number | undefined,
  timeoutMs: number | undefined,
  defaults: { readonly replicas: number; readonly replicasTimeoutMs: number },
): ReplicaRequirement {
  const count = replicas ?? defaults.replicas;
  const timeout = timeoutMs ?? defaults.replicasTimeoutMs;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new LockArgumentError(`replicas must be an integer >= 0, got ${String(count)}`, {
      replicas: count,
    });
  }
  if (!Number.isSafeInteger(timeout) || timeout < 1) {
    throw new LockArgumentError(
      `replicasTimeout must be an integer number of ms >= 1, got ${String(timeout)}`,
      {
        replicasTimeout: timeout,
      },
    );
  }
  return { replicas: count, timeoutMs: timeout };
}

/**
 * Runs lock scripts followed by `WAIT <replicas> <timeout>` on a connection of its own
 * (`WAIT` blocks the connection it runs on, and only counts the writes of that connection):
 * the script and its `WAIT` go out back to back in one pipeline. Calls share the connection,
 * so they run one after another. In a cluster the pipeline goes to the master of the keys' slot.
 */
export class ReplicaWaiter {
  readonly #connect: () => Promise<RedisClient>;
  readonly #scripts: readonly LuaScript[];
  #connection: Promise<RedisClient> | undefined;

  /** `connect` opens the connection (once, on first use); `scripts` are defined on it. */
  constructor(connect: () => Promise<RedisClient>, scripts: readonly LuaScript[]) {
    this.#connect = connect;
    this.#scripts = scripts;
  }

  /** Runs `script`, then `WAIT`; resolves with the script's reply and the replicas that confirmed. */
  async run(
    script: LuaScript,
    keys: readonly string[],
    args: readonly (string | number)[],
    requirement: ReplicaRequirement,
  ): Promise<{ reply: unknown; acknowledged: number }> {
    const connection = await this.#open();
    const pipeline = connection.pipeline();
    void runLuaScript(pipeline, script, keys, args);
    pipeline.call('WAIT', requirement.replicas, requirement.timeoutMs);
    const [scriptResult, waitResult] = (await pipeline.exec()) ?? [];
    if (scriptResult?.[0] != null) throw scriptResult[0];
    if (waitResult?.[0] != null) throw waitResult[0];
    return { reply: scriptResult?.[1], acknowledged: Number(waitResult?.[1] ?? 0) };
  }

  /**
   * Runs a script that acquires or renews (`took(reply)` says whether it did) and waits for the
   * replicas; resolves with the script's reply. Too few confirmations of a change that took:
   * `undo()` (acquire: release the lock again) and {@link LockNotReplicatedError}. A failed
   * round trip (a failover dropped the connection: the lock may or may not be held, on a server
   * that may or may not have kept it) also runs `undo()` before it rethrows.
   */
  async confirmed(
    operation: 'acquire' | 'renew',
    script: LuaScript,
    keys: readonly string[],
    scriptKeys: readonly string[],
    args: readonly (string | number)[],
    requirement: ReplicaRequirement,
    took: (reply: unknown) => boolean,
    undo: () => Promise<void> = () => Promise.resolve(),
  ): Promise<unknown> {
    let outcome: { reply: unknown; acknowledged: number };
    try {
      outcome = await this.run(script, scriptKeys, args, requirement);
    } catch (error) {
      await undo().catch(() => undefined);
      throw error;
    }
    if (!took(outcome.reply) || outcome.acknowledged >= requirement.replicas) return outcome.reply;
    await undo().catch(() => undefined);
    throw new LockNotReplicatedError(
      keys,
      operation,
      requirement.replicas,
      outcome.acknowledged,
      requirement.timeoutMs,
    );
  }

  /** Closes the connection, if it was opened. */
  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection === undefined) return;
    const client = await connection.catch(() => undefined);
    if (client !== undefined) await closeClient(client, 2000);
  }

  #open(): Promise<RedisClient> {
    if (this.#connection === undefined) {
      const opening = this.#connect().then((client) => {
        defineLuaScripts(client, this.#scripts);
        return client;
      });
      opening.catch(() => {
        if (this.#connection === opening) this.#connection = undefined; // try again next time
      });
      this.#connection = opening;
    }
    return this.#connection;
  }
}
