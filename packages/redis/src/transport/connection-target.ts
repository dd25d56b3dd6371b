import type { ConnectionOptions } from 'node:tls';
import { KeelError, redactUrl } from '@keel/core';
import { parseHostPort, type HostPort } from './host-port.js';
import type { RedisNodeAddress, RedisTransportSettings } from './redis-transport-settings.js';
import { sentinelSettingsIssues } from './sentinel-settings-checks.js';
import { resolveSentinel, type SentinelTarget } from './sentinel-target.js';

export type { HostPort } from './host-port.js';
export type { SentinelTarget } from './sentinel-target.js';

/** Where and how to connect, resolved from {@link RedisTransportSettings}. */
export interface ConnectionTarget {
  readonly cluster: boolean;
  /** The server (standalone), the cluster seed nodes, or the sentinels; never empty. */
  readonly seeds: readonly HostPort[];
  /** Set when the servers are found through Redis Sentinel (then `seeds` are the sentinels). */
  readonly sentinel?: SentinelTarget;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  /** TLS options when TLS is on. */
  readonly tls?: ConnectionOptions;
  /** Client name for `CLIENT SETNAME`. */
  readonly name?: string;
}

const DEFAULT_PORT = 6379;

/**
 * Resolves the settings into a {@link ConnectionTarget}. Throws `REDIS_SETTINGS_INVALID` for
 * a malformed `url`, node or sentinel address, a non-zero `db` in cluster mode, or Sentinel
 * settings that do not fit together; messages never contain the password.
 */
export function resolveConnectionTarget(settings: RedisTransportSettings): ConnectionTarget {
  const [issue] = sentinelSettingsIssues(settings);
  if (issue !== undefined) throw invalid(issue.message);
  let sentinel: ReturnType<typeof resolveSentinel>;
  try {
    sentinel = resolveSentinel(settings);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  if (sentinel !== undefined) {
    const username = sentinel.username ?? settings.username;
    const password = sentinel.password ?? settings.password;
    const tls = tlsOptions(settings.tls, sentinel.tls);
    return {
      cluster: false,
      seeds: sentinel.sentinel.sentinels,
      sentinel: sentinel.sentinel,
      db: sentinel.db ?? settings.db,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(tls === undefined ? {} : { tls }),
      ...(settings.name === undefined ? {} : { name: settings.name }),
    };
  }
  let host = settings.host;
  let port = settings.port;
  let username = settings.username;
  let password = settings.password;
  let db = settings.db;
  let tlsFromUrl = false;
  if (settings.url !== undefined) {
    const parsed = parseRedisUrl(settings.url);
    host = parsed.host;
    port = parsed.port;
    username = parsed.username ?? username;
    password = parsed.password ?? password;
    db = parsed.db ?? db;
    tlsFromUrl = parsed.tls;
  }
  const seeds =
    settings.cluster && settings.nodes !== undefined && settings.nodes.length > 0
      ? settings.nodes.map(parseNode)
      : [{ host, port }];
  if (settings.cluster && db !== 0) {
    throw invalid(`db ${db} was requested, but a Redis Cluster only has db 0`);
  }
  const tls = tlsOptions(settings.tls, tlsFromUrl);
  return {
    cluster: settings.cluster,
    seeds,
    db,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
    ...(settings.name === undefined ? {} : { name: settings.name }),
  };
}

/** `Redis at 127.0.0.1:6379`, `Redis Cluster (seeds a:1, b:2)` or `Redis Sentinel …`, for messages. */
export function describeTarget(target: ConnectionTarget): string {
  const list = target.seeds.map(formatHostPort).join(', ');
  if (target.sentinel !== undefined) {
    const what = target.sentinel.role === 'replica' ? 'a replica of' : 'the primary of';
    return `${what} "${target.sentinel.name}" through Redis Sentinel (sentinels ${list})`;
  }
  return target.cluster ? `Redis Cluster (seeds ${list})` : `Redis at ${list}`;
}

/** `host:port`, with brackets around IPv6 hosts. */
export function formatHostPort({ host, port }: HostPort): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

interface ParsedUrl {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls: boolean;
}

function parseRedisUrl(url: string): ParsedUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`url ${JSON.stringify(redactUrl(url))} is not a valid URL`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw invalid(
      `url ${JSON.stringify(redactUrl(url))} must start with redis://, rediss:// or redis+sentinel://`,
    );
  }
  const result: ParsedUrl = {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: parsed.port === '' ? DEFAULT_PORT : Number(parsed.port),
    tls: parsed.protocol === 'rediss:',
  };
  if (parsed.username !== '') result.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') result.password = decodeURIComponent(parsed.password);
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '') {
    if (!/^\d+$/.test(path))
      throw invalid(`url ${JSON.stringify(redactUrl(url))} has a db path that is not a number`);
    result.db = Number(path);
  }
  return result;
}

function parseNode(node: RedisNodeAddress | string): HostPort {
  if (typeof node !== 'string') return { host: node.host, port: node.port };
  const address = parseHostPort(node);
  if (address === undefined) throw invalid(`node ${JSON.stringify(node)} is not "host:port"`);
  return address;
}

function tlsOptions(setting: RedisTransportSettings['tls'], fromUrl: boolean): ConnectionOptions | undefined {
  if (setting === false || (setting === undefined && !fromUrl)) return undefined;
  if (setting === true || setting === undefined) return {};
  const options: ConnectionOptions = {};
  if (setting.ca !== undefined) options.ca = setting.ca;
  if (setting.cert !== undefined) options.cert = setting.cert;
  if (setting.key !== undefined) options.key = setting.key;
  if (setting.servername !== undefined) options.servername = setting.servername;
  if (setting.rejectUnauthorized !== undefined) options.rejectUnauthorized = setting.rejectUnauthorized;
  return options;
}

function invalid(message: string): KeelError {
  return new KeelError('REDIS_SETTINGS_INVALID', `Invalid RedisTransportService settings: ${message}`);
}
