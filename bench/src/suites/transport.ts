import { startTransportApp } from '../harness/bench-app.js';
import { rawRedis } from '../harness/bench-redis.js';
import { defineSuite } from '../harness/suite.js';

const KEYS = 1000;
const VALUE = 'x'.repeat(100);

/**
 * GET and SET through `RedisTransportService.client` against a plain ioredis client, both on
 * one embedded redis-server. The transport hands out the ioredis client itself, so the
 * expected ratio is about 1.0; a lower one means the transport's client options cost speed.
 * Both clients speak RESP2, as the transport does.
 */
export const transportSuite = defineSuite({
  name: 'transport',
  description: 'GET/SET via RedisTransportService.client vs a plain ioredis client',
  defaultConcurrency: 50,
  async setup(_, cleanup) {
    const { server, transport } = await startTransportApp(cleanup);
    const raw = await rawRedis(cleanup, server);
    const seed = raw.pipeline();
    for (let i = 0; i < KEYS; i++) seed.set(`bench:get:${i}`, VALUE);
    await seed.exec();
    const keel = transport.client;
    let next = 0;
    const key = (prefix: string): string => `bench:${prefix}:${(next = (next + 1) % KEYS)}`;
    return [
      { name: 'ioredis GET', op: () => raw.get(key('get')) },
      { name: 'keel GET', baseline: 'ioredis GET', op: () => keel.get(key('get')) },
      { name: 'ioredis SET', op: () => raw.set(key('set'), VALUE) },
      { name: 'keel SET', baseline: 'ioredis SET', op: () => keel.set(key('set'), VALUE) },
    ];
  },
});
