import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { captureLogger, describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import type { KeyspaceSourceNotices } from '../../src/keyspace/keyspace-source-types.js';
import type { KeyspaceGap } from '../../src/keyspace/keyspace-gap.js';
import { KeyspaceWatcher } from '../../src/keyspace/keyspace-watcher.js';
import { startProducer, uniquePrefix } from './helpers.js';

type Handover = KeyspaceSourceNotices['handover'][0];

describeBoth(
  'KeyspaceWatcher through failovers',
  (target) => {
    const watchers: KeyspaceWatcher[] = [];
    afterEach(async () => {
      await Promise.all(watchers.splice(0).map((watcher) => watcher.stop()));
    });

    async function watch(prefix: string): Promise<{
      watcher: KeyspaceWatcher;
      counts: Map<string, number>;
      handovers: Handover[];
      gaps: KeyspaceGap[];
    }> {
      const transport = await target.transport();
      const counts = new Map<string, number>();
      const watcher = new KeyspaceWatcher(transport, {
        patterns: [`${prefix}*`],
        events: '$',
        topologyCheckMs: 200,
        logger: captureLogger().logger,
        callbacks: [
          (key, value) => {
            expect(value?.toString()).toBe(key);
            counts.set(key, (counts.get(key) ?? 0) + 1);
          },
        ],
      });
      watchers.push(watcher);
      const handovers: Handover[] = [];
      watcher.on('handover', (handover) => handovers.push(handover));
      const gaps: KeyspaceGap[] = [];
      watcher.on('gap', (gap) => gaps.push(gap));
      await watcher.start();
      return { watcher, counts, handovers, gaps };
    }

    it('follows a manual failover: events keep flowing, none twice, none lost', async () => {
      const p = uniquePrefix('fo');
      const { watcher, counts, handovers, gaps } = await watch(p);
      const client = target.client();
      const producer = startProducer((key, value) => client.set(key, value), p);
      await waitUntil(() => producer.confirmed.size > 300, { what: 'writes before the failover' });
      const [master] = await target.cluster.masters();
      const promoted = await target.cluster.failover(master!.port);
      const afterFailover = producer.count();
      await waitUntil(() => producer.count() > afterFailover + 300, { what: 'writes after the failover' });
      await producer.stop();
      const expected = [...producer.confirmed];
      await waitUntil(() => expected.every((key) => counts.has(key)), {
        what: 'every confirmed write to be reported',
        timeout: 20_000,
      }).catch(() => undefined);
      await sleep(300);
      const missing = expected.filter((key) => !counts.has(key));
      const twice = [...counts].filter(([, count]) => count > 1).map(([key]) => key);
      expect({ missing, twice }).toEqual({ missing: [], twice: [] });
      expect(
        [...counts.keys()].every((key) => producer.confirmed.has(key) || producer.uncertain.has(key)),
      ).toBe(true);
      expect(handovers).toEqual([
        {
          from: `${master!.host}:${master!.port}`,
          to: `${promoted.host}:${promoted.port}`,
          outcome: 'fenced',
        },
      ]);
      const masters = (await target.cluster.masters()).map((node) => `${node.host}:${node.port}`);
      expect(watcher.source.nodes().sort()).toEqual(masters.sort());
      expect(watcher.stats().delivered).toBe(counts.size);
      expect(gaps).toEqual([]); // fenced: nothing may have been missed
    });

    it('follows a crashed master: events flow again once its replica took over, none twice', async () => {
      const p = uniquePrefix('crash');
      const { watcher, counts, handovers, gaps } = await watch(p);
      const client = target.client();
      const producer = startProducer((key, value) => client.set(key, value), p);
      await waitUntil(() => producer.confirmed.size > 200, { what: 'writes before the crash' });
      const [master] = await target.cluster.masters();
      const address = `${master!.host}:${master!.port}`;
      const disconnected: string[] = [];
      watcher.on('disconnected', ({ node }) => disconnected.push(node));
      await target.cluster.killNode(master!.port);
      await waitUntil(() => handovers.length === 1, {
        what: 'the handover to the promoted replica',
        timeout: 30_000,
      });
      expect(handovers[0]).toMatchObject({ from: address, outcome: 'immediate' });
      // not fenced: events of the crashed master's last moments may be missing
      expect(gaps).toEqual([
        expect.objectContaining({ previousNode: address, node: handovers[0]!.to, reason: 'failover' }),
      ]);
      const after = producer.confirmed.size;
      await waitUntil(() => producer.confirmed.size > after + 300, {
        what: 'writes after the crash',
        timeout: 30_000,
      });
      await producer.stop();
      const lateKeys = [...producer.confirmed].slice(after + 50);
      await waitUntil(() => lateKeys.every((key) => counts.has(key)), {
        what: 'the writes after the takeover to be reported',
        timeout: 20_000,
      });
      const twice = [...counts].filter(([, count]) => count > 1).map(([key]) => key);
      expect(twice).toEqual([]);
      expect(disconnected).toContain(address);
      expect(watcher.source.nodes()).not.toContain(address);
      expect(watcher.source.nodes()).toHaveLength(3);
      await target.cluster.restartNode(master!.port);
    }, 90_000);
  },
  { modes: ['cluster'] },
);
