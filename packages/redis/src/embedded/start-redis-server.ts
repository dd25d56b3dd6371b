import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeelError } from '@keel/core';
import { trackForExit, untrackForExit, type Reapable } from './child-reaper.js';
import { findFreePort } from './free-port.js';
import { redisConfigFile, redisServerArgs, type RedisServerOptions } from './redis-server-options.js';
import { isProbeError, probeRedis, type ProbeReply } from './probe-redis.js';
import { settlesWithin } from '../util/within.js';

/** A running (or stopped) `redis-server` process started by {@link startRedisServer}. */
export interface RedisServerHandle {
  /** Address the server listens on. */
  readonly host: string;
  readonly port: number;
  /** `redis://host:port` (no credentials). */
  readonly url: string;
  /** OS process id while running. */
  readonly pid: number | undefined;
  /** True while the process is alive. */
  readonly running: boolean;
  /** The server's working directory (nodes.conf, redis.log). */
  readonly dir: string;
  /** `SHUTDOWN NOSAVE`, wait for the exit (SIGKILL after `stopTimeout`), remove the temp dir. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL) and waits for the exit; files are kept for {@link restart}. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server if running and starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** The last `lines` lines of the server's log. */
  logTail(lines?: number): string;
}

const PROBE_INTERVAL_MS = 50;
const PROBE_TIMEOUT_MS = 1000;
const SPAWN_ATTEMPTS = 5;
const LOG_TAIL_LINES = 20;
const CONFIG_FILE = 'keel-redis.conf';
const LOG_FILE = 'redis.log';

/** Why one spawn attempt failed. */
class SpawnFailure extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
  }
}

interface RunningProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  alive: boolean;
}

class EmbeddedRedisServer implements RedisServerHandle, Reapable {
  readonly host: string;
  readonly dir: string;
  #port: number;
  #process: RunningProcess | undefined;
  readonly #options: RedisServerOptions;
  readonly #ownsDir: boolean;
  readonly #binary: string;

  constructor(options: RedisServerOptions, port: number) {
    this.#options = options;
    this.host = options.host ?? '127.0.0.1';
    this.#port = port;
    this.#ownsDir = options.dir === undefined;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), 'keel-redis-'));
    this.#binary = options.binary ?? process.env['KEEL_REDIS_SERVER'] ?? 'redis-server';
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `redis://${host}:${this.#port}`;
  }

  get pid(): number | undefined {
    return this.#process?.alive === true ? this.#process.child.pid : undefined;
  }

  get running(): boolean {
    return this.#process?.alive === true;
  }

  /** Spawns the process, retrying with a new free port on EADDRINUSE unless the port is fixed. */
  async start(pickNewPort: boolean): Promise<void> {
    trackForExit(this);
    let lastFailure: SpawnFailure | undefined;
    for (let attempt = 0; attempt < SPAWN_ATTEMPTS; attempt++) {
      try {
        await this.#spawnOnce();
        return;
      } catch (error) {
        if (!(error instanceof SpawnFailure) || !error.addressInUse) {
          throw this.#startError(error);
        }
        lastFailure = error;
        if (pickNewPort) {
          this.#port = await findFreePort({ host: this.host, clusterBus: isCluster(this.#options) });
        } else {
          await sleep(200);
        }
      }
    }
    throw this.#startError(lastFailure);
  }

  async stop(): Promise<void> {
    await this.#shutdown();
    untrackForExit(this);
    if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const running = this.#process;
    if (running?.alive !== true) return;
    running.child.ref(); // keep the event loop alive until the exit is observed
    running.child.kill(signal);
    if (signal !== 'SIGKILL' && !(await settlesWithin(running.exited, this.#stopTimeout))) {
      running.child.kill('SIGKILL');
    }
    await running.exited;
  }

  async restart(): Promise<void> {
    await this.#shutdown();
    await this.start(false);
  }

  logTail(lines = LOG_TAIL_LINES): string {
    try {
      const text = readFileSync(join(this.dir, LOG_FILE), 'utf8');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  reap(): void {
    if (this.#process?.alive === true) this.#process.child.kill('SIGKILL');
    if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  get #stopTimeout(): number {
    return this.#options.stopTimeout ?? 5000;
  }

  /** Graceful stop: SHUTDOWN NOSAVE NOW (NOW needs Redis 7; plain NOSAVE otherwise), then SIGKILL. */
  async #shutdown(): Promise<void> {
    const running = this.#process;
    if (running?.alive !== true) return;
    running.child.ref(); // keep the event loop alive until the exit is observed
    const auth: string[][] = this.#options.password === undefined ? [] : [['AUTH', this.#options.password]];
    const replies = await probeRedis(
      this.host,
      this.#port,
      [...auth, ['SHUTDOWN', 'NOSAVE', 'NOW']],
      PROBE_TIMEOUT_MS,
    );
    if (isProbeError(replies[auth.length])) {
      await probeRedis(this.host, this.#port, [...auth, ['SHUTDOWN', 'NOSAVE']], PROBE_TIMEOUT_MS);
    }
    if (!(await settlesWithin(running.exited, this.#stopTimeout))) running.child.kill('SIGKILL');
    await running.exited;
  }

  async #spawnOnce(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const configPath = join(this.dir, CONFIG_FILE);
    writeFileSync(configPath, redisConfigFile(this.#options), { mode: 0o600 });
    const logPath = join(this.dir, LOG_FILE);
    const logFd = openSync(logPath, 'a');
    const logStart = statSync(logPath).size;
    let child: ChildProcess;
    try {
      child = spawn(
        this.#binary,
        [configPath, ...redisServerArgs({ ...this.#options, port: this.#port, dir: this.dir })],
        { stdio: ['ignore', logFd, logFd], cwd: this.dir },
      );
    } finally {
      closeSync(logFd);
    }
    let spawnError: Error | undefined;
    const running: RunningProcess = {
      child,
      alive: true,
      exited: new Promise((resolve) => {
        child.once('error', (error) => {
          spawnError = error;
          running.alive = false;
          resolve();
        });
        child.once('exit', () => {
          running.alive = false;
          resolve();
        });
      }),
    };
    child.unref();
    this.#process = running;
    const readLog = (): string => {
      try {
        return readFileSync(logPath, 'utf8').slice(logStart);
      } catch {
        return '';
      }
    };
    try {
      await this.#waitReady(running, readLog);
    } catch (error) {
      child.ref();
      if (running.alive) child.kill('SIGKILL');
      await running.exited;
      if (spawnError !== undefined) {
        throw new SpawnFailure(`cannot run "${this.#binary}": ${spawnError.message}`, false);
      }
      throw error;
    }
  }

  async #waitReady(running: RunningProcess, readLog: () => string): Promise<void> {
    const deadline = Date.now() + (this.#options.startTimeout ?? 10_000);
    const auth: string[][] = this.#options.password === undefined ? [] : [['AUTH', this.#options.password]];
    while (Date.now() < deadline) {
      if (!running.alive) {
        const log = readLog();
        throw new SpawnFailure(`exited during startup\n${tail(log)}`, /address already in use/i.test(log));
      }
      const replies = await probeRedis(
        this.host,
        this.#port,
        [...auth, ['INFO', 'server']],
        PROBE_TIMEOUT_MS,
      );
      const verdict = probeVerdict(replies[auth.length], running.child.pid, readLog);
      if (verdict === 'ready' && running.child.exitCode === null && running.child.signalCode === null) return;
      if (verdict === 'foreign') {
        throw new SpawnFailure(`another process answers on port ${this.#port}`, true);
      }
      await sleep(PROBE_INTERVAL_MS);
    }
    throw new SpawnFailure(
      `did not answer within ${this.#options.startTimeout ?? 10_000} ms\n${tail(readLog())}`,
      false,
    );
  }

  #startError(cause: unknown): KeelError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new KeelError(
      'REDIS_SERVER_START_FAILED',
      `${this.#binary} on ${this.host}:${this.#port} failed to start: ${reason}`,
      { cause, details: { host: this.host, port: this.#port, dir: this.dir } },
    );
  }
}

function probeVerdict(
  reply: ProbeReply,
  pid: number | undefined,
  readLog: () => string,
): 'ready' | 'waiting' | 'foreign' {
  if (typeof reply === 'string') {
    const match = /process_id:(\d+)/.exec(reply);
    if (match === null || pid === undefined) return 'ready';
    return Number(match[1]) === pid ? 'ready' : 'foreign';
  }
  if (isProbeError(reply) && !reply.error.startsWith('LOADING')) {
    // AUTH or ACL rules hide INFO from us: trust the server's own log line.
    return /ready to accept connections/i.test(readLog()) ? 'ready' : 'waiting';
  }
  return 'waiting';
}

function tail(text: string, lines = LOG_TAIL_LINES): string {
  const trimmed = text.trimEnd();
  return trimmed === '' ? '(no server output)' : trimmed.split('\n').slice(-lines).join('\n');
}

function isCluster(options: RedisServerOptions): boolean {
  return options.cluster !== undefined && options.cluster !== false;
}

/**
 * Starts a throwaway `redis-server` (from PATH) on a free port of 127.0.0.1, with no
 * persistence, and resolves once it answers. The process is SIGKILLed if this process exits
 * without stopping it. Fails with `REDIS_SERVER_START_FAILED` and the tail of the server's
 * log when it does not come up within `startTimeout`.
 *
 * ```ts
 * const server = await startRedisServer({ password: 's3cret' });
 * // ... connect to server.host / server.port
 * await server.stop();
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const port =
    options.port ??
    (await findFreePort({ host: options.host ?? '127.0.0.1', clusterBus: isCluster(options) }));
  const server = new EmbeddedRedisServer(options, port);
  try {
    await server.start(options.port === undefined);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
