// A child process of mutual-exclusion.test.ts, run with plain node on the BUILT packages
// (packages/*/dist): it cannot use vitest's TypeScript transforms.
//
// argv[2]: JSON { transport, keys: { lock, counter, marker, log }, workers, iterations, ttl,
//                 maxDelayMs, timeout, resource?, lockOptions?, retryFailures? }
//   resource: transport settings of another Redis that holds the counter, marker and log (the
//             "protected resource"), when the lock's Redis may fail over; default: the lock's
//   lockOptions: more acquire options (e.g. { replicas: 1 })
//   retryFailures: retry an acquire or withLock that failed with anything but a lock error (a
//             failover drops connections), counting the retries
// IPC: sends { type: 'ready' }, waits for { type: 'go' }, runs `workers` concurrent workers
// that each enter the critical section `iterations` times, then sends
// { type: 'done', sections, violations, retries, failures } (or { type: 'error', message }) and exits.
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
        entry(
          'RedisLocksService',
          {
            ...redisLocksSettings.defaults,
            ...(config.resource === undefined ? {} : { transport: 'RedisTransportService' }),
          },
          1,
        ),
        ...(config.resource === undefined
          ? []
          : [{ ...entry('RedisTransportService', config.resource, 2), name: 'resource' }]),
      ],
    },
    {
      registry: new ServiceRegistry().register(RedisTransportService, RedisLocksService),
      logger: createLogger({ level: 'silent' }),
    },
  );
  await app.start();
  const locks = app.services.get(RedisLocksService);
  const redis = app.services.get(config.resource === undefined ? RedisTransportService : 'resource').client;
  const { keys } = config;
  let sections = 0;
  let violations = 0;
  let retries = 0;
  const failures = new Map();

  /** Runs `attempt` again (after a pause) when it fails with anything but a lock error, if asked to. */
  async function withRetries(attempt) {
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        const code = error?.code ?? error?.name ?? 'Error';
        if (!config.retryFailures || (String(code).startsWith('LOCK_') && code !== 'LOCK_NOT_REPLICATED'))
          throw error;
        retries++;
        failures.set(code, (failures.get(code) ?? 0) + 1);
        await sleep(50);
      }
    }
  }

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
    const options = { ttl: config.ttl, timeout: config.timeout, ...config.lockOptions };
    for (let i = 0; i < config.iterations; i++) {
      if (index % 2 === 0) {
        // a retry after the section ran would run it twice: only the acquire part is retried
        let ran = false;
        await withRetries(async () => {
          if (ran) return;
          try {
            await locks.withLock(
              keys.lock,
              async (_signal, lock) => {
                ran = true;
                await criticalSection(lock, who);
              },
              options,
            );
          } catch (error) {
            // the section ran; the lock was gone when its release reached Redis (expired while a
            // failover held the release back): counted, and the marker tells whether it overlapped
            if (!(ran && error?.code === 'LOCK_LOST')) throw error;
            failures.set('LOCK_LOST', (failures.get('LOCK_LOST') ?? 0) + 1);
          }
        });
      } else {
        const lock = await withRetries(() => locks.acquire(keys.lock, options));
        try {
          await criticalSection(lock, who);
        } finally {
          await withRetries(() =>
            locks.release(lock).catch((error) => {
              if (error?.code !== 'LOCK_NOT_OWNER') throw error; // released already by a resent command
            }),
          );
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
  return { sections, violations, retries, failures: Object.fromEntries(failures) };
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
