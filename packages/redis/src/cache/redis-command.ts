import type { ChainableCommander } from 'ioredis';
import type { LuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';

/** An argument of a Redis command. */
export type RedisArg = string | Buffer | number;

/** A pipeline or `MULTI` of an ioredis client: commands queued on it run on its `exec()`. */
export type RedisConn = ChainableCommander;

/** A reply as ioredis pipelines give them: `[error, value]`. */
export type Reply = readonly [Error | null, unknown];

interface CommandBase {
  /** The key whose cluster slot the command goes to. */
  readonly key: string;
  /** The cluster slot of `key`, when already computed. */
  readonly slot?: number | undefined;
  /** `true`: bulk replies come back as Buffers (encoded values); `false`: as strings. */
  readonly buffer: boolean;
}

/** A plain Redis command: `name` and its arguments, e.g. `GET key`. */
export interface CallCommand extends CommandBase {
  /**
   * The command name, lowercase as ioredis spells it — except `HGETALL`, `HSET` and `MSET`,
   * upper case so that ioredis's argument/reply transformers for them (which turn the HGETALL
   * reply into an object) do not apply: the cache builds their arguments and reads their
   * replies itself.
   */
  readonly name: string;
  readonly args: readonly RedisArg[];
  readonly script?: undefined;
}

/** A Lua script call (defined on the client with `defineLuaScripts`). */
export interface ScriptCommand extends CommandBase {
  readonly script: LuaScript;
  readonly keys: readonly string[];
  readonly args: readonly RedisArg[];
}

/** One Redis command of a cache operation. */
export type CacheCommand = CallCommand | ScriptCommand;

type Send = (...args: RedisArg[]) => Promise<unknown>;

/** The method of a defined script on a client or pipeline (`keel_x` or `keel_xBuffer`), if any. */
function scriptMethod(target: RedisClient | RedisConn, command: ScriptCommand): Send | undefined {
  const name = command.buffer ? `${command.script.name}Buffer` : command.script.name;
  const method = (target as unknown as Record<string, unknown>)[name];
  return typeof method === 'function' ? (method as Send) : undefined;
}

function invoke(target: RedisClient | RedisConn, command: CacheCommand): unknown {
  if (command.script === undefined) {
    return command.buffer
      ? target.callBuffer(command.name, ...command.args)
      : target.call(command.name, ...command.args);
  }
  const { script, keys, args } = command;
  const method = scriptMethod(target, command);
  if (method !== undefined) return method.call(target, keys.length, ...keys, ...args);
  // A pipeline made from a client the scripts were not defined on: plain EVAL.
  const evalArgs: RedisArg[] = [script.source, keys.length, ...keys, ...args];
  return command.buffer ? target.callBuffer('eval', ...evalArgs) : target.call('eval', ...evalArgs);
}

/** Sends one command on a client and resolves with its reply. */
export function sendCommand(client: RedisClient, command: CacheCommand): Promise<unknown> {
  return invoke(client, command) as Promise<unknown>;
}

/** Queues one command on a pipeline or `MULTI`; its reply comes with `exec()`. */
export function queueCommand(conn: RedisConn, command: CacheCommand): void {
  invoke(conn, command);
}

/** The value of a reply; throws its error. */
export function replyValue(reply: Reply | undefined): unknown {
  if (reply === undefined) throw new Error('a cache command got no reply');
  if (reply[0] !== null) throw reply[0];
  return reply[1];
}

/** True for an ioredis pipeline or `MULTI` (what `{ conn }` accepts). */
export function isRedisConn(value: unknown): value is RedisConn {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { isPipeline?: unknown }).isPipeline === true &&
    typeof (value as { exec?: unknown }).exec === 'function'
  );
}
