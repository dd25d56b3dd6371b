// isLoopbackHost: whether a listen address is reachable from this machine only.
import { isIP } from 'node:net';

/** True for `localhost`, `127.0.0.0/8` and `::1` (also as `::ffff:127.x.y.z` or in brackets). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}
