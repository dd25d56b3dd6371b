import type { ConnectionOptions } from 'node:tls';
import { KeelError, redactUrl } from '@keel/core';
import type { RedisNodeAddress, RedisTransportSettings } from './redis-transport-settings.js';

/** A plain host and port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Where and how to connect, resolved from {@link RedisTransportSettings}. */
export interface ConnectionTarget {
  readonly cluster: boolean;
  /** The server (standalone) or the cluster seed nodes; never empty. */
  readonly seeds: readonly HostPort[];
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
 * a malformed `url` or node address, or a non-zero `db` in cluster mode; messages never contain
 * the password.
 */
export function resolveConnectionTarget(settings: RedisTransportSettings): ConnectionTarget {
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

/** `127.0.0.1:6379`, or `Redis Cluster (seeds a:1, b:2)`, for messages. */
export function describeTarget(target: ConnectionTarget): string {
  const list = target.seeds.map(formatHostPort).join(', ');
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
    throw invalid(`url ${JSON.stringify(redactUrl(url))} must start with redis:// or rediss://`);
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
  const match = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(node.trim());
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || match[1] === '' || port < 1 || port > 65_535) {
    throw invalid(`node ${JSON.stringify(node)} is not "host:port"`);
  }
  return { host: match[1] ?? '', port };
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
