import type { CacheCommand } from '../redis-command.js';

/** Cache commands that change nothing. */
const READ_ONLY = new Set(['get', 'mget', 'exists', 'ttl', 'pttl', 'hget', 'hgetall', 'lrange', 'llen']);

/**
 * The keys the commands may change, for the near cache to drop at once: every key of a script,
 * every key of `DEL`/`MSET`, the key of any other command that is not a read.
 */
export function writtenKeys(commands: readonly CacheCommand[]): string[] {
  const keys: string[] = [];
  for (const command of commands) {
    if (command.script !== undefined) {
      keys.push(...command.keys);
      continue;
    }
    const name = command.name.toLowerCase();
    if (READ_ONLY.has(name)) continue;
    if (name === 'del' || name === 'unlink') {
      for (const arg of command.args) keys.push(String(arg));
    } else if (name === 'mset') {
      command.args.forEach((arg, index) => {
        if (index % 2 === 0) keys.push(String(arg));
      });
    } else {
      keys.push(command.key);
    }
  }
  return keys;
}
