import { defineLuaScripts, encodeStreamMessage, readLuaScript, runLuaScript } from '@keel/redis';
import { describeBoth } from '@keel/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EntryPage, StreamDetail, StreamSummary } from '../src/index.js';
import { query, startDashboard, type DashboardFixture } from './fixtures.js';

const STREAMS = 10_000;
const ENTRIES = 1_000_000;
/** Every API answer must come within this (a bound, generous for a busy 2-core machine). */
const PAGE_TIMEOUT_MS = 2_000;
const populate = readLuaScript(new URL('./populate-stream.lua', import.meta.url));

describeBoth(
  'dashboard with 10 000 streams and a stream of 1 000 000 entries',
  (target) => {
    let dashboard: DashboardFixture;
    const big = 'scale.big._stream.rpc';
    const payload = encodeStreamMessage(['work.run', { n: 1 }], {});

    /** A GET that fails unless answered within PAGE_TIMEOUT_MS. */
    const timed = async <T>(
      route: string,
      params: Record<string, string | number | string[]>,
    ): Promise<T> => {
      const response = await dashboard.fetch(`${route}${query(params)}`, {
        signal: AbortSignal.timeout(PAGE_TIMEOUT_MS),
      });
      expect(response.status, route).toBe(200);
      return (await response.json()) as T;
    };

    beforeAll(async () => {
      dashboard = await startDashboard(target);
      const redis = target.client();
      await target.flush();
      // 10 000 one-entry topic streams, spread over every slot (pipelined per node by ioredis).
      for (let start = 0; start < STREAMS; start += 1000) {
        await Promise.all(
          Array.from({ length: 1000 }, (_, i) =>
            redis.xadd(`scale.a${start + i}._stream.rpc`, '*', '_', payload),
          ),
        );
      }
      defineLuaScripts(redis, [populate]);
      for (let added = 0; added < ENTRIES; added += 100_000) {
        await runLuaScript(redis, populate, [big], [100_000, payload]);
      }
    }, 180_000);
    afterAll(async () => {
      await dashboard.server.close();
      await target.flush();
    });

    it('pages through every stream, each page within its timeout', async () => {
      const seen = new Set<string>();
      let cursor: string | null | undefined;
      let pages = 0;
      do {
        const page: { streams: StreamSummary[]; cursor: string | null } = await timed('streams', {
          match: 'scale.*',
          count: 500,
          ...(typeof cursor === 'string' ? { cursor } : {}),
        });
        for (const stream of page.streams) seen.add(stream.key);
        cursor = page.cursor;
        pages++;
      } while (cursor !== null);
      expect(seen.size).toBe(STREAMS + 1);
      expect(pages).toBeGreaterThan(10);

      // The auto-refresh of a full page: 500 keys' summaries.
      const keys = [...seen].slice(0, 500);
      const refreshed: { streams: StreamSummary[] } = await timed('streams/summary', { key: keys });
      expect(refreshed.streams).toHaveLength(500);
      expect(refreshed.streams.every((stream) => stream.exists)).toBe(true);
    }, 120_000);

    it('pages through the 1 000 000-entry stream without a full scan', async () => {
      const detail: StreamDetail = await timed('stream', { key: big });
      expect(detail.length).toBe(ENTRIES);
      const newest: EntryPage = await timed('stream/entries', { key: big, count: 200 });
      expect(newest.entries).toHaveLength(200);
      expect(newest.entries[0]?.id).toBe(detail.lastId);
      expect(newest.entries[0]?.message?.calls[0]?.method).toBe('work.run');
      const second: EntryPage = await timed('stream/entries', {
        key: big,
        count: 200,
        before: newest.next ?? '',
      });
      expect(second.entries[0]?.id).not.toBe(newest.entries.at(-1)?.id);
      // A page in the middle (by time) and the oldest page, from ids the client can know.
      const first = detail.firstAt ?? 0;
      const last = detail.lastAt ?? 0;
      const middleId =
        last > first ? `${Math.max(Math.floor((first + last) / 2), first + 1)}-0` : `${first}-500000`;
      const middle: EntryPage = await timed('stream/entries', { key: big, count: 200, before: middleId });
      expect(middle.entries).toHaveLength(200);
      const oldestIds = (await target.client().xrange(big, '-', '+', 'COUNT', 101)).map(([id]) => id);
      const hundredFirst = oldestIds[100];
      const oldest: EntryPage = await timed('stream/entries', {
        key: big,
        count: 200,
        before: hundredFirst ?? '',
      });
      expect(oldest.entries).toHaveLength(100);
      expect(oldest.entries.at(-1)?.id).toBe(detail.firstId);
      expect(oldest.next).toBeNull();
      const summary: { streams: StreamSummary[] } = await timed('streams/summary', { key: [big] });
      expect(summary.streams[0]?.length).toBe(ENTRIES);
    }, 60_000);
  },
  // Sentinel is a single server to the dashboard: its API tests cover it; the browser and the
  // large data sets run on the two shapes that differ.
  { modes: ['standalone', 'cluster'] },
);
