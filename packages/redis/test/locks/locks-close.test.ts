import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { startLocksApp } from './locks-app.js';

describeBoth('RedisLocksService close', (target) => {
  it('rejects a lost withLock at once, and closes without waiting on a release Redis never answers', async () => {
    const { app, locks } = await startLocksApp(target);
    let entered: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const run = locks.withLock(
      `close:${randomUUID()}`,
      (signal) =>
        new Promise<void>((resolve) => {
          entered();
          signal.addEventListener('abort', () => {
            resolve();
          });
        }),
      { ttl: 1500 },
    );
    const outcome = run.catch((error: unknown) => error);
    await running;
    // The connection dies for good: renewals fail, the lock is lost, and its release is sent
    // to a client that will never answer (a cluster client queues it, waiting to reconnect).
    app.services.get(RedisTransportService).client.disconnect();
    expect(await outcome).toMatchObject({ code: 'LOCK_LOST' });
    const closing = Date.now();
    await app.stop();
    // Far below the app's 10 s close timeout, which a hanging release would run into.
    expect(Date.now() - closing).toBeLessThan(8000);
  });
});
