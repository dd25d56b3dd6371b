import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RedisClient } from '../../packages/redis/src/transport/redis-client.js';
import { encodeStreamMessage, MESSAGE_FIELD } from '../../packages/redis/src/streams/wire-format.js';
import { CHAOS_WORKER_SOURCE } from './chaos-worker-source.js';

const root = join(import.meta.dirname, '..', '..');
const coreDist = join(root, 'packages', 'core', 'dist', 'index.js');
const redisDist = join(root, 'packages', 'redis', 'dist', 'index.js');
const streamsDist = join(root, 'packages', 'redis', 'dist', 'streams', 'index.js');

/** Throws a clear error when the packages are not built (the workers run the built code). */
export function requireBuiltPackages(): void {
  const missing = [coreDist, redisDist, streamsDist].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `The chaos tests run consumer processes on the built packages, but ${missing.join(', ')} ` +
        'is missing. Build first: pnpm -s --filter ./packages/core --filter ./packages/redis build',
    );
  }
}

/** Settings of the worker's RedisListener (camelCase, over the defaults). */
export type WorkerListenerSettings = Readonly<Record<string, unknown>>;

/** A running consumer process. */
export interface ChaosWorker {
  readonly consumer: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal) when the process ended. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** Sends a signal (SIGKILL by default) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts worker processes and makes sure none outlives the test file. */
export class ChaosWorkers {
  readonly #dir = mkdtempSync(join(tmpdir(), 'keel-chaos-'));
  readonly #script = join(this.#dir, 'chaos-worker.mjs');
  readonly #children = new Set<ChildProcess>();

  constructor() {
    writeFileSync(this.#script, CHAOS_WORKER_SOURCE);
  }

  /** Spawns a worker and waits until it listens. */
  async start(options: {
    host: string;
    port: number;
    app: string;
    consumer: string;
    listener: WorkerListenerSettings;
  }): Promise<ChaosWorker> {
    const args = JSON.stringify({
      ...options,
      coreUrl: pathToFileURL(coreDist).href,
      redisUrl: pathToFileURL(redisDist).href,
      streamsUrl: pathToFileURL(streamsDist).href,
    });
    const child = spawn(process.execPath, [this.#script, args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#children.add(child);
    const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
      child.once('exit', (code, signal) => {
        this.#children.delete(child);
        resolve(code ?? signal);
      });
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`worker ${options.consumer} did not start within 30 s: ${stderr}`));
      }, 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(
          new Error(`worker ${options.consumer} exited (${String(code)}) before it was ready: ${stderr}`),
        );
      });
    });
    return {
      consumer: options.consumer,
      pid: child.pid ?? -1,
      exited,
      kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
        child.kill(signal);
        await exited;
      },
    };
  }

  /** Kills every worker still running and removes the script. */
  async dispose(): Promise<void> {
    const running = [...this.#children];
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('exit', () => {
              resolve();
            });
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Adds `chaos.record {i}` messages for `from ≤ i < to` (or `method` calls) in pipelined chunks. */
export async function produce(
  client: RedisClient,
  stream: string,
  from: number,
  to: number,
  method: (i: number) => string = () => 'chaos.record',
): Promise<void> {
  const chunk = 2_000;
  for (let start = from; start < to; start += chunk) {
    const pipeline = client.pipeline();
    for (let i = start; i < Math.min(start + chunk, to); i++) {
      pipeline.xadd(stream, '*', MESSAGE_FIELD, encodeStreamMessage([method(i), { i }]));
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error !== null);
    if (failed !== undefined) throw failed[0] ?? new Error('XADD failed');
  }
}

/** A worker's metrics as it last stored them. */
export async function workerMetrics(client: RedisClient, consumer: string): Promise<Record<string, number>> {
  const hash = await client.hgetall(`chaos:metrics:${consumer}`);
  return Object.fromEntries(Object.entries(hash).map(([key, value]) => [key, Number(value)]));
}

/** How many distinct messages were processed (bits set). */
export async function processedCount(client: RedisClient): Promise<number> {
  return client.bitcount('chaos:seen');
}

/** Pending entries of a group (XPENDING summary), optionally of one consumer. */
export async function pendingOf(
  client: RedisClient,
  stream: string,
  group: string,
  consumer?: string,
): Promise<number> {
  if (consumer === undefined) {
    const [count] = (await client.xpending(stream, group)) as [number, ...unknown[]];
    return count;
  }
  const rows = await client.xpending(stream, group, '-', '+', 1_000_000, consumer);
  return rows.length;
}
