import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { cacheStarter, uniquePrefix } from './cache-app.js';

const WORKER = fileURLToPath(new URL('./fixtures/get-or-set-worker.mjs', import.meta.url));
const BUILT = [
  new URL('../../dist/index.js', import.meta.url),
  new URL('../../dist/cache/index.js', import.meta.url),
  new URL('../../dist/cache/lease-or-get.lua', import.meta.url),
  new URL('../../../core/dist/index.js', import.meta.url),
].map((url) => fileURLToPath(url));

interface WorkerJob {
  readonly transport: unknown;
  readonly key: string;
  readonly counterKey: string;
  readonly callers: number;
  readonly delayMs: number;
  readonly mode: 'value' | 'error' | 'hang';
  readonly lease?: number;
  readonly timeout?: number;
}

type WorkerResult = { ok: true; value: { from: number } } | { ok: false; code: string; message: string };

/** A worker process; `messages` yields its stdout lines as JSON. */
class Worker {
  readonly process: ChildProcessByStdio<Writable, Readable, null>;
  readonly #lines: AsyncIterator<string>;

  constructor(job: WorkerJob) {
    this.process = spawn(process.execPath, [WORKER, JSON.stringify(job)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#lines = createInterface({ input: this.process.stdout })[Symbol.asyncIterator]();
  }

  async next(): Promise<Record<string, unknown>> {
    const line = await this.#lines.next();
    if (line.done === true) throw new Error(`worker ${this.process.pid} exited early`);
    return JSON.parse(line.value) as Record<string, unknown>;
  }

  go(): void {
    this.process.stdin.write('go\n');
  }

  async results(): Promise<WorkerResult[]> {
    return (await this.next())['results'] as WorkerResult[];
  }

  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }
}

beforeAll(() => {
  const missing = BUILT.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `The cross-process getOrSet tests run the built packages, and ${missing.join(', ')} is missing: ` +
        'run `pnpm build` first',
    );
  }
});

describeBoth('RedisCache.getOrSet across processes', (target) => {
  const startCache = cacheStarter(target);
  const workers: Worker[] = [];
  afterEach(() => {
    for (const worker of workers.splice(0)) worker.kill();
  });

  async function startWorkers(count: number, job: Omit<WorkerJob, 'transport'>): Promise<Worker[]> {
    const started = Array.from(
      { length: count },
      () => new Worker({ ...job, transport: target.transportSettings() }),
    );
    workers.push(...started);
    for (const worker of started) expect(await worker.next()).toEqual({ ready: true });
    return started;
  }

  it('runs the loader exactly once for 20 concurrent callers in each of 2 processes', async () => {
    const p = uniquePrefix('procs');
    const job = {
      key: `${p}value`,
      counterKey: `${p}runs`,
      callers: 20,
      delayMs: 300,
      mode: 'value',
    } as const;
    const pair = await startWorkers(2, job);
    for (const worker of pair) worker.go();
    const results = (await Promise.all(pair.map((worker) => worker.results()))).flat();
    expect(results).toHaveLength(40);
    expect(await target.client().get(job.counterKey)).toBe('1');
    const values = results.map((result) => (result.ok ? result.value : result));
    expect(new Set(values.map((value) => JSON.stringify(value))).size).toBe(1);
    const [first] = values as { from: number }[];
    expect(pair.map((worker) => worker.process.pid)).toContain(first?.from);
  });

  it('gives the loader error to the callers of both processes', async () => {
    const p = uniquePrefix('procs-error');
    const job = {
      key: `${p}value`,
      counterKey: `${p}runs`,
      callers: 20,
      delayMs: 300,
      mode: 'error',
    } as const;
    const pair = await startWorkers(2, job);
    for (const worker of pair) worker.go();
    const results = (await Promise.all(pair.map((worker) => worker.results()))).flat();
    expect(await target.client().get(job.counterKey)).toBe('1');
    expect(results).toHaveLength(40);
    const messages = new Set(
      results.map((result) => (result.ok ? 'ok' : `${result.code} ${result.message}`)),
    );
    expect(messages.size).toBe(1);
    expect([...messages][0]).toMatch(/^CACHE_LOADER_FAILED .*loader failed in \d+/);
  });

  it('lets a waiter take over when the process holding the lease is killed', async () => {
    const p = uniquePrefix('procs-crash');
    const job = {
      key: `${p}value`,
      counterKey: `${p}runs`,
      callers: 1,
      delayMs: 0,
      mode: 'hang',
      lease: 800,
    } as const;
    const [holder] = await startWorkers(1, job);
    holder!.go();
    const client = target.client();
    await waitUntil(async () => (await client.get(job.counterKey)) === '1', {
      timeout: 10_000,
      interval: 20,
    });
    // this process now waits for the hung loader of the worker…
    const cache = await startCache();
    let runs = 0;
    const waiting = cache.getOrSet(job.key, () => (runs++, 'taken over'), { timeout: 10_000 });
    // …which dies holding the lease
    holder!.kill();
    expect(await waiting).toBe('taken over');
    expect(runs).toBe(1);
    expect(await client.get(job.counterKey)).toBe('1');
  });
});
