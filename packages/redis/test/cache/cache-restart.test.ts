import { pack } from 'msgpackr';
import { expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { cacheStarter, uniquePrefix } from './cache-app.js';

describeBoth('RedisCache through a Redis restart', (target) => {
  const startCache = cacheStarter(target);

  it.runIf(target.mode === 'standalone')(
    'serves nothing the restarted server lost, near cache included, and works on after it',
    async () => {
      const cache = await startCache({ nearCache: true });
      const near = cache.nearCache;
      const key = `${uniquePrefix('restart')}k`;
      await cache.set(key, { n: 1 });
      expect(await cache.get(key)).toEqual({ n: 1 });
      expect(near?.hasValue(key)).toBe(true);

      await target.server.kill(); // no persistence: the value is gone with the process
      await target.server.restart();
      // The dropped connections flushed the near cache: the read goes to the restarted server.
      expect(near?.hasValue(key)).toBe(false);
      expect(await cache.get(key)).toBeNull();
      await target.client().set(key, pack({ n: 2 }));
      expect(await cache.get(key)).toEqual({ n: 2 });
      expect(await cache.set(key, { n: 3 })).toBe(true);
      expect(await cache.get(key)).toEqual({ n: 3 });
    },
  );
});
