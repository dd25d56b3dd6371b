import { RedisStreamRPCClient, RedisListener, deadLetterKey, encodeStreamMessage } from '@keel/redis';
import { describeBoth, waitUntil } from '@keel/test-utils';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { DeadLetterPage, EntryPage, ReplayResult, StreamDetail, StreamSummary } from '../src/index.js';
import {
  appName,
  sendAndPartlyAck,
  startDashboard,
  startWorkApp,
  stopWorkApps,
  workLog,
  type DashboardFixture,
} from './fixtures.js';

afterEach(stopWorkApps);

describeBoth('dashboard API: streams, entries, dead letters, pause', (target) => {
  let dashboard: DashboardFixture;
  beforeAll(async () => {
    dashboard = await startDashboard(target);
  });
  afterAll(async () => {
    await dashboard.server.close();
  });

  it('lists a topic stream with its exact length, pending and lag per group and consumer', async () => {
    const svc = appName('svc');
    const sender = await startWorkApp(target, { listener: false });
    const {
      key,
      sent: ids,
      delivered,
    } = await sendAndPartlyAck(target, sender.services.get(RedisStreamRPCClient), svc);
    expect(delivered).toHaveLength(5);

    const page = await dashboard.get<{ streams: StreamSummary[]; cursor: string | null }>('streams', {
      match: `test.${svc}.*`,
    });
    expect(page.streams.map((stream) => stream.key)).toEqual([key]);
    const [stream] = page.streams;
    expect(stream).toMatchObject({
      key,
      topic: 'rpc',
      env: 'test',
      app: svc,
      exists: true,
      length: 7,
      firstId: ids[0],
      lastId: ids[6],
      deadLetters: 0,
      pause: null,
      groups: [{ name: 'workers', consumers: 1, pending: 3, lag: 2, lastDeliveredId: delivered[4] }],
    });
    expect(stream?.firstAt).toBe(Number(ids[0]?.split('-')[0]));

    const detail = await dashboard.get<StreamDetail>('stream', { key });
    expect(detail.groups[0]?.consumerList).toEqual([
      { name: 'c1', pending: 3, idleMs: expect.any(Number) as number },
    ]);
    const refreshed = await dashboard.get<{ streams: StreamSummary[] }>('streams/summary', { key: [key] });
    expect(refreshed.streams[0]?.groups[0]?.pending).toBe(3);
  });

  it('pages through entries newest first, decoded, with raw fields for undecodable ones', async () => {
    const svc = appName('svc');
    const app = await startWorkApp(target, { listener: false });
    const client = app.services.get(RedisStreamRPCClient);
    const key = client.streamKey({ app: svc });
    const ids: string[] = [];
    for (let i = 0; i < 23; i++)
      ids.push(
        await client.call(
          'work.run',
          { i, big: 2n ** 60n },
          { app: svc, headers: { 'Correlation-Id': `c${i}` } },
        ),
      );
    const redis = target.client();
    ids.push((await redis.xadd(key, '*', 'other', Buffer.from([0xff, 0x00, 0x01]))) ?? '');
    ids.push((await redis.xadd(key, '*', '_', Buffer.from([0x92, 0xa5, 0x61]))) ?? '');
    ids.push(
      (await redis.xadd(
        key,
        '*',
        '_',
        encodeStreamMessage([
          ['a.b', { x: 1 }],
          ['c.d', null],
        ]),
      )) ?? '',
    );

    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    for (;;) {
      const page: EntryPage = await dashboard.get<EntryPage>('stream/entries', {
        key,
        count: 10,
        ...(before === undefined ? {} : { before }),
      });
      seen.push(...page.entries.map((entry) => entry.id));
      pages++;
      if (page.next === null) break;
      before = page.next;
    }
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);

    const first = await dashboard.get<EntryPage>('stream/entries', { key, count: 3 });
    const [batch, undecodable, noPayload] = first.entries;
    expect(batch?.message).toEqual({
      batch: true,
      headers: {},
      calls: [
        { method: 'a.b', params: { x: 1 } },
        { method: 'c.d', params: null },
      ],
    });
    expect(undecodable?.message).toBeNull();
    expect(undecodable?.error).toMatch(/not valid MessagePack/);
    expect(undecodable?.fields).toEqual([
      {
        name: '_',
        text: null,
        base64: Buffer.from([0x92, 0xa5, 0x61]).toString('base64'),
        bytes: 3,
        truncated: false,
      },
    ]);
    expect(noPayload?.error).toBe('no "_" field');
    expect(noPayload?.fields[0]).toMatchObject({
      name: 'other',
      text: null,
      base64: Buffer.from([0xff, 0, 1]).toString('base64'),
    });
    const oldest = await dashboard.get<EntryPage>('stream/entries', { key, count: 1, before: ids[1] ?? '' });
    expect(oldest.entries[0]?.message).toEqual({
      batch: false,
      headers: { 'Correlation-Id': 'c0' },
      calls: [{ method: 'work.run', params: { i: 0, big: { $bigint: (2n ** 60n).toString() } } }],
    });
    expect(oldest.entries[0]?.fields).toEqual([]);
  });

  it('shows a poison message as a dead letter; replaying it runs it exactly once, also twice at once', async () => {
    const app = await startWorkApp(target, { listener: { pendingMessagesTimeMs: null } });
    const listener = app.services.get(RedisListener);
    const log = workLog(app.name);
    await app.services.get(RedisStreamRPCClient).call('work.run', { poison: true });
    await waitUntil(() => listener.metrics.deadLettered === 1, { what: 'the dead letter' });

    const page = await dashboard.get<DeadLetterPage>('stream/dead', { key: listener.stream });
    expect(page.key).toBe(deadLetterKey(listener.stream));
    expect(page.length).toBe(1);
    const [dead] = page.entries;
    expect(dead).toMatchObject({
      deliveries: 1,
      group: listener.group,
      consumer: listener.consumer,
      message: { calls: [{ method: 'work.run', params: { poison: true } }] },
      failure: { code: -32603, message: 'Internal error' },
      fields: [],
    });
    const summary = await dashboard.get<StreamDetail>('stream', { key: listener.stream });
    expect(summary.deadLetters).toBe(1);

    log.poisoned = false;
    const id = dead?.id ?? '';
    const replays = await Promise.all([
      dashboard.post<ReplayResult>('stream/dead/replay', { key: listener.stream, ids: [id] }),
      dashboard.post<ReplayResult>('stream/dead/replay', { key: listener.stream, ids: [id] }),
    ]);
    expect(replays.flatMap((replay) => replay.replayed.map((entry) => entry.id))).toEqual([id]);
    expect(replays.flatMap((replay) => replay.missing)).toEqual([id]);
    await waitUntil(() => log.runs === 1, { what: 'the replayed message to run' });
    await waitUntil(
      async () =>
        (await dashboard.get<StreamDetail>('stream', { key: listener.stream })).groups[0]?.pending === 0,
      {
        what: 'the replayed message to be acknowledged',
      },
    );
    expect(log.runs).toBe(1);
    expect((await dashboard.get<DeadLetterPage>('stream/dead', { key: listener.stream })).length).toBe(0);
  });

  it('replays and deletes all dead letters present now', async () => {
    const app = await startWorkApp(target, { listener: { pendingMessagesTimeMs: null } });
    const listener = app.services.get(RedisListener);
    const log = workLog(app.name);
    const client = app.services.get(RedisStreamRPCClient);
    for (let i = 0; i < 4; i++) await client.call('work.run', { poison: true, i });
    await waitUntil(() => listener.metrics.deadLettered === 4, { what: 'four dead letters' });

    const page = await dashboard.get<DeadLetterPage>('stream/dead', { key: listener.stream, count: 2 });
    expect(page.entries).toHaveLength(2);
    const deleted = await dashboard.post<{ deleted: number }>('stream/dead/delete', {
      key: listener.stream,
      ids: [page.entries[0]?.id],
    });
    expect(deleted.deleted).toBe(1);

    log.poisoned = false;
    const replayed = await dashboard.post<ReplayResult>('stream/dead/replay', {
      key: listener.stream,
      all: true,
    });
    expect(replayed.replayed).toHaveLength(3);
    await waitUntil(() => log.runs === 3, { what: 'three replayed runs' });

    log.poisoned = true;
    await client.call('work.run', { poison: true });
    await waitUntil(() => listener.metrics.deadLettered === 5, { what: 'a new dead letter' });
    expect(await dashboard.post('stream/dead/delete', { key: listener.stream, all: true })).toEqual({
      deleted: 1,
    });
    expect((await dashboard.get<DeadLetterPage>('stream/dead', { key: listener.stream })).length).toBe(0);
    expect(log.runs).toBe(3);
  });

  it('pauses and resumes every listener of a topic through the pause lock', async () => {
    const app = await startWorkApp(target);
    const listener = app.services.get(RedisListener);
    const info = await dashboard.get<{ owner: string }>('info');
    const paused = await dashboard.post<{ pause: { holder: string; ttlMs: number } }>('stream/pause', {
      key: listener.stream,
      ttlMs: 60_000,
    });
    expect(paused.pause.holder).toBe(info.owner);
    expect(paused.pause.ttlMs).toBeGreaterThan(50_000);
    await waitUntil(() => listener.metrics.paused, { what: 'the listener to pause' });
    expect((await dashboard.get<StreamDetail>('stream', { key: listener.stream })).pause?.holder).toBe(
      info.owner,
    );

    expect(await dashboard.post('stream/resume', { key: listener.stream })).toEqual({
      resumed: true,
      pause: null,
    });
    await waitUntil(() => !listener.metrics.paused, { what: 'the listener to resume' });
    await app.services.get(RedisStreamRPCClient).call('work.run', {});
    await waitUntil(() => workLog(app.name).runs === 1, { what: 'the resumed listener to run' });

    // Held by the listener itself: plain resume is refused, force releases it.
    await listener.lock({ ttlMs: 60_000 });
    const refused = await dashboard.fetch('stream/resume', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-keel-dashboard': '1' },
      body: JSON.stringify({ key: listener.stream }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { holder: { holder: listener.consumer } } });
    expect(await dashboard.post('stream/resume', { key: listener.stream, force: true })).toEqual({
      resumed: true,
      pause: null,
    });
    expect(await listener.isLocked()).toBe(false);
  });
});
