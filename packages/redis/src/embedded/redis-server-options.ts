import { join } from 'node:path';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Port to listen on; default: a free port (retried with another one if taken at spawn). */
  readonly port?: number;
  /** Address to bind and to connect to (default `127.0.0.1`). */
  readonly host?: string;
  /**
   * Password of the `default` user (`requirepass`; also `masterauth`, so that the server can
   * replicate from a peer with the same password: a cluster node or a Sentinel replica).
   */
  readonly password?: string;
  /**
   * ACL users, one rule line each, e.g. `alice on >pw ~* +@all` (a leading `user ` is
   * optional). Written to the server's private config file, never to its command line.
   */
  readonly users?: readonly string[];
  /** Start the node in cluster mode (`cluster-enabled yes` with its own nodes.conf). */
  readonly cluster?: boolean | { readonly nodeTimeout?: number };
  /** Extra command-line arguments, e.g. `['--maxmemory', '64mb']`. */
  readonly args?: readonly string[];
  /** Server binary (default `redis-server` from PATH, or `$KEEL_REDIS_SERVER`). */
  readonly binary?: string;
  /** Working directory for the server; default: a fresh temporary one, removed on stop. */
  readonly dir?: string;
  /** Bound on waiting for the server to answer, in ms (default 10 000). */
  readonly startTimeout?: number;
  /** Bound on a graceful stop before SIGKILL, in ms (default 5 000). */
  readonly stopTimeout?: number;
}

/** Default cluster node timeout in ms. */
export const DEFAULT_CLUSTER_NODE_TIMEOUT = 2000;

/** The lines of the private config file (secrets live here, not in `ps` output). */
export function redisConfigFile(options: RedisServerOptions): string {
  const lines: string[] = [];
  if (options.password !== undefined) {
    lines.push(`requirepass ${quoteConfigValue(options.password)}`);
    lines.push(`masterauth ${quoteConfigValue(options.password)}`);
  }
  for (const rule of options.users ?? []) {
    const trimmed = rule.trim();
    lines.push(/^user\s/i.test(trimmed) ? trimmed : `user ${trimmed}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Command-line arguments after the config file path. */
export function redisServerArgs(options: RedisServerOptions & { port: number; dir: string }): string[] {
  const args = [
    '--port',
    String(options.port),
    '--bind',
    options.host ?? '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    options.dir,
  ];
  if (options.cluster !== undefined && options.cluster !== false) {
    const nodeTimeout =
      typeof options.cluster === 'object'
        ? (options.cluster.nodeTimeout ?? DEFAULT_CLUSTER_NODE_TIMEOUT)
        : DEFAULT_CLUSTER_NODE_TIMEOUT;
    args.push(
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(options.dir, 'nodes.conf'),
      '--cluster-node-timeout',
      String(nodeTimeout),
    );
  }
  args.push(...(options.args ?? []));
  return args;
}

/** Quotes a config value the way redis.conf parses it (double quotes, backslash escapes). */
function quoteConfigValue(value: string): string {
  let escaped = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === '"' || char === '\\') escaped += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) escaped += `\\x${code.toString(16).padStart(2, '0')}`;
    else escaped += char;
  }
  return `"${escaped}"`;
}
