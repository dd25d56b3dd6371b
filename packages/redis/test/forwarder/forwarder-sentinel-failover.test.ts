import type { App } from '@keel/core';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { KeyspaceForwarder } from '../../src/forwarder/keyspace-forwarder.js';
import { forwarderApp, MemorySinkService, uniquePrefix } from './forwarder-app.js';

describeBoth(
  'KeyspaceForwarder through a Sentinel failover (kill -9 of the primary)',
  (target) => {
    const apps: App[] = [];
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.stop()));
      await target.sentinel.restore();
    });

    it('keeps one active instance: events of the new primary are forwarded once', async () => {
      const p = uniquePrefix('fo');
      const settings = {
        masks: [`^${p}`],
        events: '$',
        sink: 'memory',
        lockKey: `${p}leader`,
        lockTtlMs: 1500,
      };
      const instances = await Promise.all(
        ['fwd-a', 'fwd-b'].map(async (name) => {
          const app = await forwarderApp(target, settings, name);
          apps.push(app);
          await app.start();
          return {
            forwarder: app.services.get(KeyspaceForwarder),
            sink: app.services.get(MemorySinkService).sink,
          };
        }),
      );
      /** How often each key was forwarded, by both instances together. */
      const forwarded = (): Map<string, number> => {
        const counts = new Map<string, number>();
        for (const { sink } of instances)
          for (const { key } of sink.received) counts.set(key, (counts.get(key) ?? 0) + 1);
        return counts;
      };
      const leaders = (): number => instances.filter(({ forwarder }) => forwarder.isLeader).length;
      await waitUntil(() => leaders() === 1, { what: 'one leader' });
      const client = target.client();
      for (let i = 0; i < 50; i++) await client.set(`${p}before${i}`, '1');
      await waitUntil(() => forwarded().size === 50, { what: 'the events before the failover' });

      await target.sentinel.killPrimary();
      // One leader again, subscribed on the new primary: a probe write gets through.
      let probes = 0;
      await waitUntil(
        async () => {
          await client.set(`${p}probe${probes++}`, '1');
          return leaders() === 1 && [...forwarded().keys()].some((key) => key.includes('probe'));
        },
        { what: 'a leader forwarding from the new primary', timeout: 30_000, interval: 200 },
      );
      for (let i = 0; i < 50; i++) await client.set(`${p}after${i}`, '1');
      const after = Array.from({ length: 50 }, (_, i) => `${p}after${i}`);
      await waitUntil(() => after.every((key) => forwarded().has(key)), {
        what: 'the events after the failover',
      });
      await new Promise((resolve) => setTimeout(resolve, 300)); // a second copy would have come by now
      const counts = forwarded();
      expect(after.map((key) => counts.get(key))).toEqual(after.map(() => 1));
      expect(leaders()).toBe(1);
    }, 60_000);
  },
  { modes: ['sentinel'] },
);
