// `GET api/info`: what the dashboard is connected to and whether an app serves it.
import { readFileSync } from 'node:fs';
import { nodeAddress } from '../data/dashboard-redis.js';
import type { DashboardParts } from './api-context.js';

/** The dashboard's own version (from its package.json). */
export const DASHBOARD_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The answer of `GET api/info`. */
export interface DashboardInfo {
  readonly version: string;
  readonly redis: {
    readonly mode: 'standalone' | 'sentinel' | 'cluster';
    readonly masters: readonly string[];
    /** `redis_version` of the first master (KeyDB reports its Redis compatibility version). */
    readonly version: string | null;
  };
  readonly app: { readonly name: string; readonly env: string; readonly id: string } | null;
  /** The identifier the dashboard's pauses are held under. */
  readonly owner: string;
}

/** Reads what {@link DashboardInfo} reports. */
export async function dashboardInfo(parts: DashboardParts): Promise<DashboardInfo> {
  const masters = parts.redis.masters();
  let version: string | null = null;
  const [first] = masters;
  if (first !== undefined) {
    const info = await first.info('server').catch(() => '');
    version = /^redis_version:(.+)$/m.exec(info)?.[1]?.trim() ?? null;
  }
  const { app } = parts;
  return {
    version: DASHBOARD_VERSION,
    redis: {
      mode: parts.redis.isCluster ? 'cluster' : parts.redis.isSentinel === true ? 'sentinel' : 'standalone',
      masters: masters.map(nodeAddress),
      version,
    },
    app: app === undefined ? null : { name: app.name, env: app.env, id: app.id },
    owner: parts.owner,
  };
}
