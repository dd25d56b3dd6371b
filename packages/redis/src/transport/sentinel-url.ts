/* Parses `redis+sentinel://` URLs: several sentinel addresses, the master group name and a db. */
import type { HostPort } from './host-port.js';

/** The parts of a `redis+sentinel://` URL. */
export interface SentinelUrl {
  readonly sentinels: readonly HostPort[];
  /** The master group name (first path segment). */
  readonly name: string;
  /** Credentials of the data nodes (not of the sentinels). */
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  /** `rediss+sentinel://`: TLS to the sentinels and the data nodes. */
  readonly tls: boolean;
}

/** The port sentinels listen on unless told otherwise. */
export const DEFAULT_SENTINEL_PORT = 26_379;

const SCHEME = /^(rediss?)\+sentinel:\/\//i;

/** True when `url` has the `redis+sentinel://` or `rediss+sentinel://` scheme. */
export function isSentinelUrl(url: string): boolean {
  return SCHEME.test(url.trim());
}

/**
 * Parses `redis+sentinel://[user:password@]host[:port][,host[:port]…]/<master name>[/<db>]`
 * (`rediss+sentinel://` for TLS; a sentinel's port defaults to 26379; IPv6 hosts in brackets).
 * Returns a reason text instead when the URL is malformed; the caller words the error.
 */
export function parseSentinelUrl(url: string): SentinelUrl | string {
  const trimmed = url.trim();
  const scheme = SCHEME.exec(trimmed);
  if (scheme === null) return 'must start with redis+sentinel:// or rediss+sentinel://';
  const rest = trimmed.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  const hosts = at === -1 ? authority : authority.slice(at + 1);
  const sentinels: HostPort[] = [];
  for (const part of hosts.split(',')) {
    const address = parseAddress(part.trim());
    if (address === undefined)
      return `has a sentinel address ${JSON.stringify(part)} that is not host[:port]`;
    sentinels.push(address);
  }
  const [name = '', db, ...extra] = path.split('?')[0]?.split('/') ?? [];
  if (name === '') return 'has no master group name (redis+sentinel://host:port/<name>)';
  if (extra.length > 0 || (db !== undefined && db !== '' && !/^\d+$/.test(db))) {
    return 'has a path other than /<name>[/<db>]';
  }
  const credentials = userinfo === undefined ? {} : parseUserinfo(userinfo);
  return {
    sentinels,
    name: decodeURIComponent(name),
    ...credentials,
    ...(db === undefined || db === '' ? {} : { db: Number(db) }),
    tls: scheme[1]?.toLowerCase() === 'rediss',
  };
}

function parseAddress(text: string): HostPort | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text);
  if (match === null) return undefined;
  const port = match[3] === undefined ? DEFAULT_SENTINEL_PORT : Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

function parseUserinfo(userinfo: string): { username?: string; password?: string } {
  const colon = userinfo.indexOf(':');
  const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
  const password = colon === -1 ? '' : userinfo.slice(colon + 1);
  return {
    ...(user === '' ? {} : { username: decodeURIComponent(user) }),
    ...(password === '' ? {} : { password: decodeURIComponent(password) }),
  };
}
