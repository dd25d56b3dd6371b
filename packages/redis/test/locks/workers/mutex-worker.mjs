// A child process of mutual-exclusion.test.ts, run with plain node on the BUILT packages
// (packages/*/dist): it cannot use vitest's TypeScript transforms.
//
// argv[2]: JSON { transport, keys: { lock, counter, marker, log }, workers, iterations, ttl,
//                 maxDelayMs, timeout }
// IPC: sends { type: 'ready' }, waits for { type: 'go' }, runs `workers` concurrent workers
// that each enter the critical section `iterations` times, then sends
// { type: 'done', sections, violations } (or { type: 'error', message }) and exits.
import { setTimeout as sleep } from 'node:timers/promises';
import { App, ServiceRegistry, createLogger } from '@keel/core';
import { RedisTransportService } from '../../../dist/transport/index.js';
import { RedisLocksService, redisLocksSettings } from '../../../dist/locks/index.js';

const config = JSON.parse(process.argv[2] ?? '{}');

// Never outlive the test run: exit when the parent goes away, and after a hard limit.
process.on('disconnect', () => process.exit(3));
setTimeout(() => {
  process.send?.({ type: 'error', message: 'worker timed out' });
  process.exit(4);
}, 120_000).unref();

function entry(cls, settings, index) {
  return {
    cls,
    name: cls,
    enabled: true,
    required: true,
    override: false,
    dependsOn: [],
    settings,
    source: { file: 'mutex-worker', path: `services[${index}]` },
  };
}

async function main() {
  const app = new App(
    {
      packages: [],
      files: ['mutex-worker'],
      app: { name: 'mutex', env: 'test', initTimeoutMs: 30_000, closeTimeoutMs: 10_000, logLevel: 'silent' },
      services: [
        entry('RedisTransportService', config.transport, 0),
        entry('RedisLocksService', { ...redisLocksSettings.defaults }, 1),
      ],
    },
    {
      registry: new ServiceRegistry().register(RedisTransportService, RedisLocksService),
      logger: createLogger({ level: 'silent' }),
    },
  );
  await app.start();
  const locks = app.services.get(RedisLocksService);
  const redis = app.services.get(RedisTransportService).client;
  const { keys } = config;
  let sections = 0;
  let violations = 0;

  async function criticalSection(lock, who) {
    const entered = await redis.set(keys.marker, who, 'PX', 10_000, 'NX');
    if (entered !== 'OK') violations++;
    const value = Number((await redis.get(keys.counter)) ?? 0);
    await sleep(Math.floor(Math.random() * (config.maxDelayMs + 1)));
    await redis.set(keys.counter, String(value + 1));
    await redis.rpush(keys.log, String(lock.token));
    if (entered === 'OK') await redis.del(keys.marker);
    sections++;
  }

  async function worker(index) {
    const who = `${process.pid}:${index}`;
    const options = { ttl: config.ttl, timeout: config.timeout };
    for (let i = 0; i < config.iterations; i++) {
      if (index % 2 === 0) {
        await locks.withLock(keys.lock, (_signal, lock) => criticalSection(lock, who), options);
      } else {
        const lock = await locks.acquire(keys.lock, options);
        try {
          await criticalSection(lock, who);
        } finally {
          await locks.release(lock);
        }
      }
    }
  }

  await new Promise((resolve) => {
    process.once('message', (message) => {
      if (message?.type === 'go') resolve();
    });
    process.send({ type: 'ready' });
  });
  try {
    await Promise.all(Array.from({ length: config.workers }, (_, index) => worker(index)));
  } finally {
    await app.stop();
  }
  return { sections, violations };
}

main().then(
  (result) => {
    process.send({ type: 'done', ...result }, () => process.exit(0));
  },
  (error) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.send?.({ type: 'error', message }, () => process.exit(1));
  },
);
