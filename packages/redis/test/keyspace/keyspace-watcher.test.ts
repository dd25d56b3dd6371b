import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { captureLogger, describeBoth, waitUntil, withNode } from '../../../test-utils/src/index.js';
import { KeyspaceWatcher, type KeyspaceWatcherOptions } from '../../src/keyspace/keyspace-watcher.js';
import { watchdog } from '../../src/keyspace/watchdog.js';
import { nodeAddresses, notifyFlags, recorder, setNotifyFlags, uniquePrefix } from './helpers.js';

describeBoth('KeyspaceWatcher', (target) => {
  const watchers: KeyspaceWatcher[] = [];
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((watcher) => watcher.stop()));
  });

  async function startWatcher(options: KeyspaceWatcherOptions): Promise<KeyspaceWatcher> {
    const transport = await target.transport();
    const watcher = new KeyspaceWatcher(transport, { logger: captureLogger().logger, ...options });
    watchers.push(watcher);
    await watcher.start();
    return watcher;
  }

  it('delivers set, hset, lpush, expire, expired and del with key, event and value', async () => {
    const p = uniquePrefix('ev');
    const { seen, callback } = recorder();
    await startWatcher({ patterns: [`${p}*`], callbacks: [callback] });
    const client = target.client();
    await client.set(`${p}s`, 'hello');
    await client.hset(`${p}h`, 'f', 'v');
    await client.lpush(`${p}l`, 'a', 'b');
    await client.pexpire(`${p}s`, 300);
    await client.del(`${p}h`);
    await waitUntil(() => seen.some((s) => s.event === 'expired'), { what: 'the expired event' });
    const of = (key: string): unknown[] =>
      seen
        .filter((s) => s.key === `${p}${key}`)
        .map(({ event, value, valueKind }) => ({ event, value, valueKind }));
    expect(of('s')).toEqual([
      { event: 'set', value: 'hello', valueKind: 'string' },
      { event: 'expire', value: 'hello', valueKind: 'string' },
      { event: 'expired', value: null, valueKind: 'missing' },
    ]);
    expect(of('h')).toEqual([
      { event: 'hset', value: null, valueKind: 'non-string' },
      { event: 'del', value: null, valueKind: 'missing' },
    ]);
    expect(of('l')).toEqual([{ event: 'lpush', value: null, valueKind: 'non-string' }]);
    expect(seen).toHaveLength(6);
  });

  it('reports only keys matching the patterns and events of the classes asked for, each once', async () => {
    const p = uniquePrefix('pf');
    const { seen, callback } = recorder();
    await startWatcher({ patterns: [`${p}a*`, `${p}b?`, `${p}*1`], events: '$', callbacks: [callback] });
    const client = target.client();
    await client.set(`${p}a1`, '1'); // matches three patterns: reported once
    await client.set(`${p}b2`, '2');
    await client.set(`${p}b22`, 'no');
    await client.set(`${p}c2`, 'no');
    await client.hset(`${p}a2`, 'f', 'no'); // class h
    await client.del(`${p}a1`); // class g
    await client.set(`${p}c1`, 'last');
    await waitUntil(() => seen.some((s) => s.key === `${p}c1`), { what: 'the last event' });
    await sleep(100);
    expect(seen.map((s) => [s.key, s.event, s.value])).toEqual([
      [`${p}a1`, 'set', '1'],
      [`${p}b2`, 'set', '2'],
      [`${p}c1`, 'set', 'last'],
    ]);
  });

  it('gives null and not-fetched with fetchValue none', async () => {
    const p = uniquePrefix('nf');
    const { seen, callback } = recorder();
    await startWatcher({ patterns: [`${p}*`], fetchValue: 'none', callbacks: [callback] });
    await target.client().set(`${p}k`, 'v');
    await waitUntil(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ key: `${p}k`, event: 'set', value: null, valueKind: 'not-fetched' });
  });

  it('stops after exactly count events (watchdog)', async () => {
    const p = uniquePrefix('count');
    const { seen, callback } = recorder();
    const transport = await target.transport();
    const dog = watchdog(`${p}*`, [callback], transport, { count: 5, logger: captureLogger().logger });
    await dog.ready;
    const pipeline = target.client().pipeline();
    for (let i = 0; i < 12; i++) pipeline.set(`${p}{same-slot}${i % 3}`, String(i));
    await pipeline.exec();
    const stats = await dog.done;
    expect(stats.delivered).toBe(5);
    expect(stats.accepted).toBe(5);
    await target.client().set(`${p}after`, 'x');
    await sleep(200);
    expect(seen).toHaveLength(5);
    expect(dog.watcher.source.nodes()).toEqual([]);
  });

  it('calls several callbacks; a throwing one is logged and counted and the watcher goes on', async () => {
    const p = uniquePrefix('cb');
    const first = recorder();
    const second = recorder();
    const log = captureLogger();
    const errors: unknown[] = [];
    const watcher = await startWatcher({
      patterns: [`${p}*`],
      logger: log.logger,
      callbacks: [
        first.callback,
        (key) => {
          if (key.endsWith('bad')) throw new Error('callback broke');
        },
        async (key) => {
          await sleep(1);
          if (key.endsWith('bad2')) throw new Error('async callback broke');
        },
      ],
    });
    watcher.addCallback(second.callback);
    watcher.on('callbackError', ({ error }) => errors.push(error));
    const client = target.client();
    for (const key of ['ok1', 'bad', 'ok2', 'bad2', 'ok3']) await client.set(`${p}${key}`, key);
    await waitUntil(() => watcher.stats().delivered === 5);
    expect(first.seen).toHaveLength(5);
    expect(second.seen.map((s) => s.value)).toEqual(['ok1', 'bad', 'ok2', 'bad2', 'ok3']);
    expect(watcher.stats()).toMatchObject({ callbackErrors: 2, delivered: 5 });
    expect(errors.map((error) => (error as Error).message).sort()).toEqual([
      'async callback broke',
      'callback broke',
    ]);
    expect(
      log.lines().filter((line) => line['msg'] === 'keyspace callback failed; the watcher goes on'),
    ).toHaveLength(2);
  });

  it('keeps the event order per key with slow async callbacks and bounded concurrency', async () => {
    const p = uniquePrefix('order');
    const events = new Map<string, string[]>();
    const active = new Map<string, number>();
    let overlap = false;
    let inFlight = 0;
    let maxInFlight = 0;
    await startWatcher({
      patterns: [`${p}*`],
      fetchValue: 'none',
      concurrency: 4,
      callbacks: [
        async (key, _value, event) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          active.set(key, (active.get(key) ?? 0) + 1);
          if ((active.get(key) ?? 0) > 1) overlap = true;
          await sleep(Math.random() * 3);
          events.set(key, [...(events.get(key) ?? []), event]);
          active.set(key, (active.get(key) ?? 0) - 1);
          inFlight--;
        },
      ],
    });
    const client = target.client();
    const keys = Array.from({ length: 10 }, (_, i) => `${p}k${i}`);
    // Sent without waiting: ioredis keeps the order per connection, so per key.
    await Promise.all(
      keys.flatMap((key) => [
        client.set(key, '1'),
        client.append(key, '2'),
        client.setrange(key, 0, '3'),
        client.incrby(key, 1),
        client.expire(key, 100),
        client.persist(key),
      ]),
    );
    await waitUntil(() => [...events.values()].reduce((sum, list) => sum + list.length, 0) === 60, {
      what: '60 events',
    });
    for (const key of keys) {
      expect(events.get(key)).toEqual(['set', 'append', 'setrange', 'incrby', 'expire', 'persist']);
    }
    expect(overlap).toBe(false);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('stops reading at maxPending (back-pressure) and still delivers everything, in order', async () => {
    const p = uniquePrefix('bp');
    const values: number[] = [];
    let maxPending = 0;
    const watcher = await startWatcher({
      patterns: [`${p}*`],
      maxPending: 50,
      concurrency: 4,
      callbacks: [
        async (_key, value) => {
          maxPending = Math.max(maxPending, watcher.stats().pending);
          await sleep(1);
          values.push(Number(value?.toString()));
        },
      ],
    });
    const key = `${p}counter`;
    const client = target.client();
    const total = 2000;
    await Promise.all(Array.from({ length: total }, () => client.incr(key)));
    await waitUntil(() => watcher.stats().delivered === total, {
      what: `${total} deliveries`,
      timeout: 60_000,
    });
    const stats = watcher.stats();
    expect(stats.pauses).toBeGreaterThan(0);
    expect(stats.accepted).toBe(total);
    // Bounded by maxPending plus what one socket read (64 KiB) had already brought in.
    expect(maxPending).toBeLessThan(50 + 1200);
    expect(values).toHaveLength(total);
    // Values are read when events arrive, so they never go back (events of a key stay in order).
    expect(values.every((value, index) => index === 0 || value >= (values[index - 1] ?? 0))).toBe(true);
    expect(values.at(-1)).toBe(total);
  });

  it('merges the flags it needs into notify-keyspace-events without removing the server ones', async () => {
    await setNotifyFlags(target, 'Ex');
    try {
      const p = uniquePrefix('merge');
      const { seen, callback } = recorder();
      await startWatcher({ patterns: [`${p}*`], events: 'h', callbacks: [callback] });
      const flags = await notifyFlags(target);
      for (const value of flags.values()) {
        for (const flag of ['E', 'x', 'K', 'h']) expect(value).toContain(flag);
        if (target.mode === 'cluster') expect(value).toContain('g'); // for failover fences
      }
      await target.client().hset(`${p}h`, 'a', '1');
      await waitUntil(() => seen.length === 1);
    } finally {
      await setNotifyFlags(target, 'KEA');
    }
  });

  it('with configure never, fails with KEYSPACE_EVENTS_DISABLED and changes nothing', async () => {
    await setNotifyFlags(target, 'Kh');
    try {
      const transport = await target.transport();
      const watcher = new KeyspaceWatcher(transport, {
        events: '$h',
        configure: 'never',
        logger: captureLogger().logger,
      });
      await expect(watcher.start()).rejects.toMatchObject({ code: 'KEYSPACE_EVENTS_DISABLED', missing: '$' });
      await expect(watcher.done).rejects.toMatchObject({ code: 'KEYSPACE_EVENTS_DISABLED' });
      for (const value of (await notifyFlags(target)).values()) expect(value).toBe('hK');
      const ok = new KeyspaceWatcher(transport, {
        events: 'h',
        configure: 'never',
        logger: captureLogger().logger,
      });
      watchers.push(ok);
      if (target.mode !== 'cluster') await ok.start();
      else await expect(ok.start()).rejects.toMatchObject({ code: 'KEYSPACE_EVENTS_DISABLED', missing: 'g' });
    } finally {
      await setNotifyFlags(target, 'KEA');
    }
  });

  it('reports a dropped subscriber connection and subscribes again', async () => {
    const p = uniquePrefix('drop');
    const { seen, callback } = recorder();
    const log = captureLogger();
    const watcher = await startWatcher({ patterns: [`${p}*`], callbacks: [callback], logger: log.logger });
    const disconnected: string[] = [];
    const resubscribed: string[] = [];
    const gaps: { node: string; previousNode: string; reason: string }[] = [];
    watcher.on('disconnected', ({ node }) => disconnected.push(node));
    watcher.on('resubscribed', ({ node }) => resubscribed.push(node));
    watcher.on('gap', (gap) => gaps.push(gap));
    const nodes = watcher.source.nodes();
    await target.client().set(`${p}before`, '1');
    await waitUntil(() => seen.length === 1);
    await Promise.all(
      nodeAddresses(target)
        .filter(({ host, port }) => nodes.includes(`${host}:${port}`))
        .map((node) =>
          withNode(node, target.password, (client) => client.call('CLIENT', 'KILL', 'TYPE', 'pubsub')),
        ),
    );
    await waitUntil(() => resubscribed.length === nodes.length, { what: 'every node subscribed again' });
    expect(disconnected.sort()).toEqual([...nodes].sort());
    expect(watcher.stats()).toMatchObject({ disconnects: nodes.length, resubscribes: nodes.length });
    // the same server again: a reconnect gap per node, once events flow again
    await waitUntil(() => gaps.length === nodes.length, { what: 'a gap notice per node' });
    expect(
      gaps
        .map(({ node, previousNode, reason }) => ({ node, previousNode, reason }))
        .sort((a, b) => a.node.localeCompare(b.node)),
    ).toEqual([...nodes].sort().map((node) => ({ node, previousNode: node, reason: 'reconnect' })));
    const client = target.client();
    for (let i = 0; i < 6; i++) await client.set(`${p}after${i}`, String(i));
    await waitUntil(() => seen.length === 7, { what: 'the events after the reconnect' });
    expect(log.lines().some((line) => String(line['msg']).includes('connection lost'))).toBe(true);
  });

  it('watches another db than the transport one (standalone)', async () => {
    if (target.mode === 'cluster') return;
    const p = uniquePrefix('db');
    const { seen, callback } = recorder();
    await startWatcher({ patterns: [`${p}*`], db: 3, callbacks: [callback] });
    const [server] = await target.masters();
    const other = new Redis({ host: server!.host, port: server!.port, db: 3, protocol: 2 });
    try {
      await target.client().set(`${p}k`, 'db0');
      await other.set(`${p}k`, 'db3');
      await waitUntil(() => seen.length === 1);
      await sleep(100);
      expect(seen).toEqual([expect.objectContaining({ key: `${p}k`, value: 'db3' })]);
    } finally {
      other.disconnect();
    }
  });

  it('listens to every master of a cluster and to nothing else', async () => {
    const transport = await target.transport();
    const watcher = await startWatcher({ patterns: ['nothing:*'] });
    const expected = (await target.masters()).map((node) => `${node.host}:${node.port}`);
    expect(watcher.source.nodes().sort()).toEqual(expected.sort());
    expect(transport.masters()).toHaveLength(expected.length);
  });

  it('delivers events from keys on every master with their values', async () => {
    const p = uniquePrefix('spread');
    const { seen, callback } = recorder();
    await startWatcher({ patterns: [`${p}*`], callbacks: [callback] });
    const pipeline = target.client().pipeline();
    const keys = Array.from({ length: 30 }, (_, i) => `${p}${i}`);
    if (target.mode === 'cluster') for (const key of keys) await target.client().set(key, `v-${key}`);
    else {
      for (const key of keys) pipeline.set(key, `v-${key}`);
      await pipeline.exec();
    }
    await waitUntil(() => seen.length === 30, { what: '30 events' });
    expect(seen.every((s) => s.value === `v-${s.key}`)).toBe(true);
    expect(new Set(seen.map((s) => s.key)).size).toBe(30);
    if (target.mode === 'cluster') expect(new Set(seen.map((s) => s.node)).size).toBe(3);
  });
});
