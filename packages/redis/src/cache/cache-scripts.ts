import { readLuaScript, type LuaScript } from '../lua/lua-script.js';

const script = (file: string): LuaScript => readLuaScript(new URL(`./${file}`, import.meta.url));

/** `mset` with a ttl: SET … PX per key, atomically per slot. */
export const msetPxScript: LuaScript = script('mset-px.lua');
/** `getOrSet`: read the value or take the lease. */
export const leaseOrGetScript: LuaScript = script('lease-or-get.lua');
/** `getOrSet`: store the loaded value, end the lease, notify. */
export const leaseFulfilScript: LuaScript = script('lease-fulfil.lua');
/** `getOrSet`: record the loader's error, end the lease, notify. */
export const leaseFailScript: LuaScript = script('lease-fail.lua');
/** `getOrSet`: renew the lease. */
export const leaseRenewScript: LuaScript = script('lease-renew.lua');

/** Every script of the cache, defined on the transport's client at init. */
export const cacheScripts: readonly LuaScript[] = [
  msetPxScript,
  leaseOrGetScript,
  leaseFulfilScript,
  leaseFailScript,
  leaseRenewScript,
];
