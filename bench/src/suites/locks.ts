import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  defineLuaScripts,
  fenceKeyOf,
  readLuaScript,
  RedisLocksService,
  RedisTransportService,
  runLuaScript,
} from '@keel/redis';
import type { Redis } from 'ioredis';
import { Mutex } from 'redis-semaphore';
import { redisTransportEntry, startBenchApp } from '../harness/bench-app.js';
import { rawRedis, startBenchRedis } from '../harness/bench-redis.js';
import type { BenchCase } from '../harness/suite.js';
import { defineSuite } from '../harness/suite.js';

/** The part of redlock 5 used here (its package.json gives no types to `import`). */
interface RedlockClient {
  acquire(resources: string[], duration: number): Promise<{ release(): Promise<unknown> }>;
}
type RedlockClass = new (clients: Redis[], settings: { retryCount: number }) => RedlockClient;
const require = createRequire(import.meta.url);
const { default: Redlock } = require('redlock') as { default: RedlockClass };

/** Keel's own acquire and release scripts, read from the installed @keel/redis. */
const lockScript = (name: string) =>
  readLuaScript(
    pathToFileURL(join(dirname(require.resolve('@keel/redis/package.json')), 'dist', 'locks', name)),
  );
const acquireScript = lockScript('lock-acquire.lua');
const releaseScript = lockScript('lock-release.lua');

/** Time to live of every lock, in ms (longer than any wait, so no lock expires). */
const TTL_MS = 30_000;
/** How long a contender may wait, in ms (a timeout would abort the measurement). */
const ACQUIRE_TIMEOUT_MS = 120_000;

/** Runs `op` one call at a time, whatever the harness's concurrency: a serial workload. */
function serially(op: () => Promise<unknown>): () => Promise<unknown> {
  let tail: Promise<unknown> = Promise.resolve();
  return () => {
    const run = tail.then(op);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * Contenders looping acquire → release on one key. An operation completes at a *handoff*: an
 * acquisition by a contender that was already waiting when the previous holder released. A
 * contender that re-takes the lock it just released (barging) keeps going within its operation,
 * so ops/s counts handoffs only. (When a contender is the last one running, its operation also
 * ends on a non-handoff, so a round can finish.)
 */
class Contention {
  readonly #acquire: () => Promise<() => Promise<unknown>>;
  /** Wait of every acquisition, and of the handoffs alone, in ms. */
  readonly #waits: number[] = [];
  readonly #handoffWaits: number[] = [];
  #releasedAt = Number.NEGATIVE_INFINITY;
  #inFlight = 0;

  /** @param acquire acquires the lock and resolves with the function that releases it */
  constructor(acquire: () => Promise<() => Promise<unknown>>) {
    this.#acquire = acquire;
  }

  readonly op = async (): Promise<void> => {
    this.#inFlight++;
    try {
      for (;;) {
        const calledAt = performance.now();
        const release = await this.#acquire();
        const wait = performance.now() - calledAt;
        const handoff = calledAt < this.#releasedAt;
        this.#waits.push(wait);
        if (handoff) this.#handoffWaits.push(wait);
        this.#releasedAt = performance.now();
        await release();
        if (handoff || this.#inFlight === 1) return;
      }
    } finally {
      this.#inFlight--;
    }
  };

  /** Counts and wait percentiles (ms) of all acquisitions and of the handoffs. */
  summary(): Record<string, number> {
    return {
      acquisitions: this.#waits.length,
      handoffs: this.#handoffWaits.length,
      waitP50Ms: percentile(this.#waits, 50),
      waitP99Ms: percentile(this.#waits, 99),
      handoffWaitP50Ms: percentile(this.#handoffWaits, 50),
      handoffWaitP99Ms: percentile(this.#handoffWaits, 99),
    };
  }
}

/** The p-th percentile of `samples` (nearest rank), rounded to 0.01. */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return value === undefined ? Number.NaN : Math.round(value * 100) / 100;
}

/**
 * RedisLocksService against redis-semaphore's `Mutex` (plain SET NX, no fencing token, waits by
 * polling every 10 ms) and redlock (quorum over one client), all on one embedded redis-server.
 *
 * - serial: one acquire+release at a time on one key (the harness's concurrency is funnelled
 *   into a single chain); keel is measured once next to each peer. Every library pays two
 *   round trips here, so a plain `SET NX PX` + `DEL` (no owner check, no token) is measured too:
 *   the floor no lock can go under.
 * - contended: `concurrency` contenders (50 by default) acquire and release one key in a loop;
 *   ops/s is lock handoffs per second (see {@link Contention}). The p50/p99 acquire wait of
 *   each is written to stderr when the suite ends (the harness's rows only carry ops/s).
 */
export const locksSuite = defineSuite({
  name: 'locks',
  description: 'RedisLocksService acquire+release vs redis-semaphore Mutex and redlock; contended handoffs',
  defaultConcurrency: 50,
  async setup(options, cleanup) {
    const server = await startBenchRedis(cleanup);
    const app = await startBenchApp({
      cleanup,
      classes: [RedisTransportService, RedisLocksService],
      services: [
        redisTransportEntry(server),
        { cls: 'RedisLocksService', settings: { defaultTtlMs: TTL_MS } },
      ],
    });
    const semaphoreClient = await rawRedis(cleanup, server);
    const redlockClient = await rawRedis(cleanup, server);
    const locks = app.services.get(RedisLocksService);
    const redlock = new Redlock([redlockClient], { retryCount: 0 });
    const semaphoreOptions = { lockTimeout: TTL_MS, acquireTimeout: ACQUIRE_TIMEOUT_MS };

    const keelSerial = serially(async () => {
      await locks.release(await locks.acquire('bench:locks:serial:keel'));
    });
    const semaphoreSerial = serially(async () => {
      const mutex = new Mutex(semaphoreClient, 'bench:locks:serial:semaphore', semaphoreOptions);
      await mutex.acquire();
      await mutex.release();
    });
    // No lock library can beat two round trips; this is that floor (and it checks no owner).
    const floorSerial = serially(async () => {
      await semaphoreClient.set('bench:locks:serial:floor', 'x', 'PX', TTL_MS, 'NX');
      await semaphoreClient.del('bench:locks:serial:floor');
    });
    // Keel's two scripts sent by hand: what any owner-checked lock with a fencing token pays on
    // Redis 7 (no single command compares and deletes), without Keel's own code around them.
    const scriptsClient = await rawRedis(cleanup, server);
    defineLuaScripts(scriptsClient, [acquireScript, releaseScript]);
    const scriptKeys = ['bench:locks:serial:scripts', fenceKeyOf('bench:locks:serial:scripts')];
    const scriptsSerial = serially(async () => {
      const owner = `bench:${performance.now()}`;
      await runLuaScript(scriptsClient, acquireScript, scriptKeys, [owner, TTL_MS]);
      await runLuaScript(scriptsClient, releaseScript, scriptKeys.slice(0, 1), [owner, 'bench.released:']);
    });
    // The least any owner-checked lock pays on Redis 7: SET NX PX in a script, and a script that
    // deletes the key only if it still holds the owner. No fencing token, no release notice.
    const safeFloorClient = await rawRedis(cleanup, server);
    const safeAcquire = String(
      await safeFloorClient.script('LOAD', "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])"),
    );
    const safeRelease = String(
      await safeFloorClient.script(
        'LOAD',
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      ),
    );
    const safeFloorSerial = serially(async () => {
      const owner = `bench:${performance.now()}`;
      await safeFloorClient.evalsha(safeAcquire, 1, 'bench:locks:serial:safe-floor', owner, TTL_MS);
      await safeFloorClient.evalsha(safeRelease, 1, 'bench:locks:serial:safe-floor', owner);
    });
    const redlockSerial = serially(async () => {
      const lock = await redlock.acquire(['bench:locks:serial:redlock'], TTL_MS);
      await lock.release();
    });

    const contenders = options.concurrency;
    const keelContention = new Contention(async () => {
      const lock = await locks.acquire('bench:locks:contended:keel', { timeout: ACQUIRE_TIMEOUT_MS });
      return () => locks.release(lock);
    });
    const semaphoreContention = new Contention(async () => {
      const mutex = new Mutex(semaphoreClient, 'bench:locks:contended:semaphore', semaphoreOptions);
      await mutex.acquire();
      return () => mutex.release();
    });
    const semaphoreContended = `redis-semaphore Mutex ${contenders} contenders handoffs`;
    const keelContended = `keel ${contenders} contenders handoffs`;
    const cases: BenchCase[] = [
      { name: 'ioredis SET NX + DEL serial (floor)', op: floorSerial },
      { name: 'redis-semaphore Mutex serial', op: semaphoreSerial },
      { name: 'redlock serial', op: redlockSerial },
      { name: 'keel serial', baseline: 'redis-semaphore Mutex serial', op: keelSerial },
      { name: 'keel serial (vs redlock)', baseline: 'redlock serial', op: keelSerial },
      { name: 'keel serial (vs floor)', baseline: 'ioredis SET NX + DEL serial (floor)', op: keelSerial },
      { name: 'ioredis owner-checked Lua serial (safe floor)', op: safeFloorSerial },
      {
        name: 'keel serial (vs safe floor)',
        baseline: 'ioredis owner-checked Lua serial (safe floor)',
        op: keelSerial,
      },
      { name: 'ioredis + keel lock scripts serial', op: scriptsSerial },
      {
        name: 'keel serial (vs its scripts)',
        baseline: 'ioredis + keel lock scripts serial',
        op: keelSerial,
      },
      { name: semaphoreContended, op: semaphoreContention.op },
      { name: keelContended, baseline: semaphoreContended, op: keelContention.op },
    ];
    cleanup.add(() => {
      for (const [name, contention] of [
        [keelContended, keelContention],
        [semaphoreContended, semaphoreContention],
      ] as const) {
        const line = JSON.stringify({ suite: 'locks', name, ...contention.summary() });
        process.stderr.write(`[locks] acquire waits (warm-up included): ${line}\n`);
      }
    });
    return cases;
  },
});
