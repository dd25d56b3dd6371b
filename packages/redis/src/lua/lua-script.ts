import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeelError } from '@keel/core';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '../transport/redis-client.js';

/** A Lua script read from a `.lua` file, with its documented header. */
export interface LuaScript {
  /** Command name it is defined under on a client (`keel_<file name>`). */
  readonly name: string;
  readonly source: string;
  readonly sha1: string;
  /** The header's KEYS, ARGV and reply lines, for error messages and docs. */
  readonly header: string;
}

/** Where a script runs: a client, or a pipeline/multi created from one (the command is queued). */
export type LuaTarget = RedisClient | ChainableCommander;

const REQUIRED_HEADER = ['KEYS', 'ARGV', 'Reply'] as const;
const defined = new WeakMap<object, Set<string>>();

/**
 * Reads a `.lua` file once (call it at module level:
 * `const acquire = readLuaScript(new URL('./acquire.lua', import.meta.url))`). The file must
 * start with a comment header documenting `KEYS`, `ARGV` and `Reply`; a missing part is an error.
 */
export function readLuaScript(url: URL): LuaScript {
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  const header = source
    .split('\n')
    .filter((line) => line.startsWith('--'))
    .join('\n');
  const missing = REQUIRED_HEADER.filter((part) => !new RegExp(`^--\\s*${part}\\b`, 'm').test(header));
  if (missing.length > 0) {
    throw new KeelError('LUA_SCRIPT_INVALID', `${path}: the header must document ${missing.join(', ')}`);
  }
  const name = `keel_${basename(path, '.lua').replace(/[^A-Za-z0-9]/g, '_')}`;
  return { name, source, sha1: createHash('sha1').update(source).digest('hex'), header };
}

/**
 * Defines `scripts` as commands on `client` (ioredis `defineCommand`: EVALSHA, falling back to
 * EVAL on NOSCRIPT; pipelines load missing scripts first). Idempotent per client.
 */
export function defineLuaScripts(client: RedisClient, scripts: readonly LuaScript[]): void {
  let names = defined.get(client);
  if (names === undefined) {
    names = new Set();
    defined.set(client, names);
  }
  for (const script of scripts) {
    if (names.has(script.name)) continue;
    client.defineCommand(script.name, { lua: script.source });
    names.add(script.name);
  }
}

/**
 * Runs a script defined with {@link defineLuaScripts} on the target's client. On a client it
 * resolves with the reply; on a pipeline it queues the call (and returns the pipeline's promise,
 * which you normally ignore in favour of `exec()`).
 */
export function runLuaScript(
  target: LuaTarget,
  script: LuaScript,
  keys: readonly (string | Buffer)[],
  args: readonly (string | number | Buffer)[],
): Promise<unknown> {
  const command = (target as unknown as Record<string, unknown>)[script.name];
  if (typeof command !== 'function') {
    throw new KeelError(
      'LUA_SCRIPT_NOT_DEFINED',
      `Lua script ${script.name} is not defined on this client; call defineLuaScripts(client, [...]) first`,
    );
  }
  return (command as (...a: unknown[]) => Promise<unknown>).call(target, keys.length, ...keys, ...args);
}
