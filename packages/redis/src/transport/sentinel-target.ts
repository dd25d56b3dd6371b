/* Resolves the Sentinel settings (or a redis+sentinel:// URL) of RedisTransportService. */
import { redactUrl } from '@keel/core';
import { parseHostPort, type HostPort } from './host-port.js';
import type { RedisNodeAddress, RedisTransportSettings } from './redis-transport-settings.js';
import { isSentinelUrl, parseSentinelUrl } from './sentinel-url.js';

/** Where the sentinels are and what to ask them for. */
export interface SentinelTarget {
  readonly sentinels: readonly HostPort[];
  /** The master group name. */
  readonly name: string;
  /** Connect to the primary, or to one of its replicas. */
  readonly role: 'master' | 'replica';
  readonly username?: string;
  readonly password?: string;
}

/** The Sentinel part of the settings, with what a `redis+sentinel://` URL adds for the data nodes. */
export interface ResolvedSentinel {
  readonly sentinel: SentinelTarget;
  /** Data-node credentials and db from the URL, when it has them. */
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  /** `rediss+sentinel://`. */
  readonly tls: boolean;
}

/**
 * The Sentinel target of `settings`, or undefined when they name no sentinels. Throws an
 * `Error` with the reason (the caller makes it a settings error) for a malformed URL or address.
 */
export function resolveSentinel(settings: RedisTransportSettings): ResolvedSentinel | undefined {
  const credentials = {
    ...(settings.sentinelUsername === undefined ? {} : { username: settings.sentinelUsername }),
    ...(settings.sentinelPassword === undefined ? {} : { password: settings.sentinelPassword }),
  };
  if (settings.url !== undefined && isSentinelUrl(settings.url)) {
    const parsed = parseSentinelUrl(settings.url);
    if (typeof parsed === 'string')
      throw new Error(`url ${JSON.stringify(redactUrl(settings.url))} ${parsed}`);
    const { sentinels, name, tls, ...data } = parsed;
    return { sentinel: { sentinels, name, role: settings.role, ...credentials }, ...data, tls };
  }
  if (settings.sentinels === undefined) return undefined;
  const sentinels = settings.sentinels.map(parseSentinel);
  if (sentinels.length === 0) throw new Error('sentinels is empty');
  if (settings.sentinelName === undefined) {
    throw new Error('sentinelName (the master group name) is required with sentinels');
  }
  return {
    sentinel: { sentinels, name: settings.sentinelName, role: settings.role, ...credentials },
    tls: false,
  };
}

function parseSentinel(entry: RedisNodeAddress | string): HostPort {
  if (typeof entry !== 'string') return { host: entry.host, port: entry.port };
  const address = parseHostPort(entry);
  if (address === undefined) throw new Error(`sentinel ${JSON.stringify(entry)} is not "host:port"`);
  return address;
}
