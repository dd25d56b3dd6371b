import { afterEach, expect, it } from 'vitest';
import { captureLogger, describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import type { KeyspaceGap } from '../../src/keyspace/keyspace-gap.js';
import { KeyspaceWatcher } from '../../src/keyspace/keyspace-watcher.js';
import { watchdog, type WatchdogHandle } from '../../src/keyspace/watchdog.js';
import { startProducer, uniquePrefix } from './helpers.js';

describeBoth(
  'KeyspaceWatcher through Sentinel failovers',
  (target) => {
    const stops: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      await Promise.all(stops.splice(0).map((stop) => stop()));
      await target.sentinel.restore();
    });

    /** Who reported what: event counts and origin per key, and the gaps. */
    function recording(): {
      counts: Map<string, number>;
      nodes: Map<string, string>;
      gaps: KeyspaceGap[];
      callback: (key: string, value: Buffer | null, event: string, info: { node: string }) => void;
    } {
      const counts = new Map<string, number>();
      const nodes = new Map<string, string>();
      const gaps: KeyspaceGap[] = [];
      return {
        counts,
        nodes,
        gaps,
        callback: (key, _value, _event, info) => {
          counts.set(key, (counts.get(key) ?? 0) + 1);
          nodes.set(key, info.node);
        },
      };
    }

    /** Writes `<prefix>after<i>` one by one and waits until every one is reported. */
    async function writeAndSee(prefix: string, counts: Map<string, number>): Promise<string[]> {
      const keys = Array.from({ length: 50 }, (_, i) => `${prefix}after${i}`);
      const client = target.client();
      for (const key of keys) await client.set(key, key);
      await waitUntil(() => keys.every((key) => counts.has(key)), { what: 'the writes after the gap' });
      return keys;
    }

    it('reports a gap when the primary is killed (kill -9), then delivers the events of the new primary', async () => {
      const p = uniquePrefix('kill');
      const seen = recording();
      const transport = await target.transport();
      const watcher = new KeyspaceWatcher(transport, {
        patterns: [`${p}*`],
        events: '$',
        logger: captureLogger().logger,
        callbacks: [seen.callback],
        onGap: (gap) => seen.gaps.push(gap),
      });
      stops.push(() => watcher.stop());
      await watcher.start();
      const before = await target.sentinel.primary();
      expect(watcher.source.nodes()).toEqual([`${before.host}:${before.port}`]);
      const client = target.client();
      const producer = startProducer((key, value) => client.set(key, value), `${p}during`, 4);
      await waitUntil(() => producer.confirmed.size > 200, { what: 'writes before the kill' });

      const { killed, primary } = await target.sentinel.killPrimary();
      const gap = await waitUntil(() => seen.gaps[0], { what: 'the gap notice', timeout: 30_000 });
      await producer.stop();
      const now = `${primary.host}:${primary.port}`;
      expect(gap).toMatchObject({
        reason: 'failover',
        previousNode: `${killed.host}:${killed.port}`,
        node: now,
      });
      expect(gap.until).toBeGreaterThanOrEqual(gap.since);
      expect(watcher.stats().gaps).toBe(1);
      const keys = await writeAndSee(p, seen.counts);
      expect(keys.every((key) => seen.nodes.get(key) === now)).toBe(true);
      expect([...seen.counts.values()].every((count) => count === 1)).toBe(true); // none twice
      expect(watcher.source.nodes()).toEqual([now]);
    }, 60_000);

    it('reports a gap after a SENTINEL FAILOVER to watchdog users, then delivers from the new primary', async () => {
      const p = uniquePrefix('switch');
      const seen = recording();
      const transport = await target.transport();
      const dog: WatchdogHandle = watchdog(`${p}*`, seen.callback, transport, {
        events: '$',
        logger: captureLogger().logger,
        onGap: (gap) => seen.gaps.push(gap),
      });
      stops.push(() => dog.stop());
      await dog.ready;
      await target.client().set(`${p}before`, '1');
      await waitUntil(() => seen.counts.has(`${p}before`), { what: 'the event before the failover' });

      const previous = await target.sentinel.primary();
      const promoted = await target.sentinel.failover();
      const gap = await waitUntil(() => seen.gaps[0], { what: 'the gap notice', timeout: 30_000 });
      const now = `${promoted.host}:${promoted.port}`;
      expect(gap).toMatchObject({
        reason: 'failover',
        previousNode: `${previous.host}:${previous.port}`,
        node: now,
      });
      const keys = await writeAndSee(p, seen.counts);
      expect(keys.every((key) => seen.nodes.get(key) === now)).toBe(true);
    }, 60_000);
  },
  { modes: ['sentinel'] },
);
