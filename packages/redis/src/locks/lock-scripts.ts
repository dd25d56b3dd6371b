import { readLuaScript, type LuaScript } from '../lua/lua-script.js';

/** Acquires all keys of a lock or none, and returns its fencing token (see the file's header). */
export const acquireScript: LuaScript = readLuaScript(new URL('./lock-acquire.lua', import.meta.url));
/** Owner-checked release that publishes a release notification per key. */
export const releaseScript: LuaScript = readLuaScript(new URL('./lock-release.lua', import.meta.url));
/** Owner-checked, all-or-nothing renewal. */
export const renewScript: LuaScript = readLuaScript(new URL('./lock-renew.lua', import.meta.url));
/** Existence of several keys of one slot. */
export const mexistsScript: LuaScript = readLuaScript(new URL('./lock-mexists.lua', import.meta.url));

/** Every script of the locks service, to define once per client. */
export const lockScripts: readonly LuaScript[] = [acquireScript, releaseScript, renewScript, mexistsScript];
