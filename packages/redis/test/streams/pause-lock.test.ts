import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { appName, startApp, stopApps } from './fixtures.js';

afterEach(stopApps);

describeBoth('RedisListener pause lock', (target) => {
  it('pauses every listener of the topic across apps until unlock', async () => {
    const name = appName();
    const settings = { scope: 'USER', maxWaitTimeMs: 50 } as const;
    const one = await startApp(target, { name, listener: settings });
    const two = await startApp(target, { name, listener: settings });
    const [first, second] = [one, two].map((app) => app.services.get(RedisListener)) as [
      RedisListener,
      RedisListener,
    ];
    const client = one.services.get(RedisStreamRPCClient);

    await first.lock();
    expect(await second.isLocked()).toBe(true);
    await waitUntil(() => first.metrics.paused && second.metrics.paused, { what: 'both listeners to pause' });
    await sleep(300); // reads issued before the pause (BLOCK 50 ms) have returned
    for (let i = 0; i < 5; i++) await client.call('ext.echo', { i });
    await sleep(500);
    expect(first.metrics.processed + second.metrics.processed).toBe(0);

    // Another listener cannot take or release the held lock.
    await expect(second.lock()).rejects.toMatchObject({ code: 'STREAM_PAUSE_LOCKED' });
    expect(await second.unlock()).toBe(false);

    expect(await first.unlock()).toBe(true);
    await waitUntil(() => first.metrics.processed + second.metrics.processed === 5, {
      what: 'the resumed listeners',
    });
    await waitUntil(() => !first.metrics.paused && !second.metrics.paused, {
      what: 'both listeners to resume',
    });
  });

  it('resumes when the lock expires', async () => {
    const app = await startApp(target, { listener: { scope: 'USER', maxWaitTimeMs: 50 } });
    const listener = app.services.get(RedisListener);
    await listener.lock({ ttlMs: 400 });
    const reply = app.services.get(RedisStreamRPCClient).call('ext.echo', {});
    // The read in flight when the pause began (not ended early in a cluster) may return the
    // call: it waits, unprocessed, for the resume.
    await sleep(150);
    expect(listener.metrics.processed).toBe(0);
    expect(await listener.isLocked()).toBe(true);
    await reply;
    await waitUntil(() => listener.metrics.processed === 1, { what: 'processing after the lock expired' });
    expect(await listener.isLocked()).toBe(false);
  });
});
