import { type LuaScript, readLuaScript, runLuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';

/** Trims what every consumer group has received and acknowledged (atomic). */
export const trimDeliveredScript: LuaScript = readLuaScript(new URL('./trim-delivered.lua', import.meta.url));

/** What one trim did. */
export interface TrimResult {
  /** Entries removed. */
  readonly removed: number;
  /** For trim-delivered: the id below which entries were removed (`''`: nothing was trimmed). */
  readonly minId?: string;
}

/**
 * Trim-delivered: removes entries below the first one any consumer group still needs (its
 * oldest pending entry, or its last delivered one), checked and trimmed atomically in Lua.
 * `trimDeliveredScript` must be defined on `client` (`defineLuaScripts`).
 */
export async function trimDelivered(client: RedisClient, stream: string): Promise<TrimResult> {
  const reply = await runLuaScript(client, trimDeliveredScript, [stream], []);
  const [minId, removed] = Array.isArray(reply) ? (reply as unknown[]) : [];
  return { removed: Number(removed ?? 0), minId: typeof minId === 'string' ? minId : '' };
}

/** Trim-by-size: `XTRIM <stream> MAXLEN ~ <maxLen>`; entries may be removed unprocessed. */
export async function trimToSize(client: RedisClient, stream: string, maxLen: number): Promise<TrimResult> {
  const removed = await client.xtrim(stream, 'MAXLEN', '~', maxLen);
  return { removed };
}
