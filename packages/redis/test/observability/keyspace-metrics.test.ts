import type { App } from '@keel/core';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, startTestApp, waitUntil, withNode } from '../../../test-utils/src/index.js';
import { KeyspaceForwarder } from '../../src/forwarder/keyspace-forwarder.js';
import { RedisKeyspaceWatcher } from '../../src/keyspace/redis-keyspace-watcher.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { forwarderApp, MemorySinkService, uniquePrefix } from '../forwarder/forwarder-app.js';
import { nodeAddresses } from '../keyspace/helpers.js';
import { scrape } from './scrape.js';

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

describeBoth('keyspace metrics', (target) => {
  it('counts what the watcher received and delivered, its callback errors, gaps and lost connections', async () => {
    const p = uniquePrefix('kw');
    const app = await startTestApp({
      name: 'ksm',
      classes: [RedisTransportService, RedisKeyspaceWatcher],
      services: [
        { cls: 'RedisTransportService', name: 'redis', settings: target.transportSettings() },
        { cls: 'RedisKeyspaceWatcher', name: 'watcher', settings: { patterns: [`${p}*`], events: '$' } },
      ],
    });
    apps.push(app);
    const service = app.services.get(RedisKeyspaceWatcher);
    const seen: string[] = [];
    service.addCallback((key) => {
      seen.push(key);
      if (key.endsWith('bad')) throw new Error('callback failed');
    });
    const client = target.client();
    for (let i = 0; i < 4; i++) await client.set(`${p}k${i}`, 'v');
    await client.set(`${p}bad`, 'v');
    await waitUntil(() => seen.length === 5);
    const svc = { service: 'watcher' };
    let s = await scrape(app);
    expect(s.value('keel_keyspace_events_received_total', svc)).toBe(5);
    expect(s.value('keel_keyspace_events_delivered_total', svc)).toBe(5);
    expect(s.value('keel_keyspace_callback_errors_total', svc)).toBe(1);
    expect(s.value('keel_keyspace_fetch_errors_total', svc)).toBe(0);
    expect(s.value('keel_keyspace_gaps_total', svc)).toBe(0);
    expect(s.value('keel_keyspace_pending_events', svc)).toBe(0);
    const nodes = service.watcher.source.nodes();
    expect(s.value('keel_keyspace_nodes', svc)).toBe(nodes.length);

    await Promise.all(
      nodeAddresses(target)
        .filter(({ host, port }) => nodes.includes(`${host}:${port}`))
        .map((node) =>
          withNode(node, target.password, (admin) => admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')),
        ),
    );
    await waitUntil(() => service.stats()?.gaps === nodes.length, { what: 'a gap per node' });
    await client.set(`${p}after`, 'v');
    await waitUntil(() => seen.length === 6);
    s = await scrape(app);
    expect(s.value('keel_keyspace_disconnects_total', svc)).toBe(nodes.length);
    expect(s.value('keel_keyspace_gaps_total', svc)).toBe(nodes.length);
    expect(s.value('keel_keyspace_events_received_total', svc)).toBe(6);
  });

  it('counts what the forwarder received, forwarded, buffered and replayed, and shows the fallback list', async () => {
    const p = uniquePrefix('fwm');
    const fallbackKey = `${p}fallback`;
    const app = await forwarderApp(target, {
      events: '$',
      sink: 'memory',
      masks: [`^${p}k`],
      fallbackKey,
      retryMinMs: 50,
      retryMaxMs: 200,
    });
    apps.push(app);
    await app.start();
    const forwarder = app.services.get(KeyspaceForwarder);
    const sink = app.services.get(MemorySinkService).sink;
    await waitUntil(() => forwarder.isLeader);
    const client = target.client();
    for (let i = 0; i < 5; i++) await client.set(`${p}k${i}`, '1');
    await client.set(`${p}other`, '1');
    await waitUntil(() => sink.received.length === 5 && forwarder.stats().filtered >= 1);
    const svc = { service: 'forwarder' };
    let s = await scrape(app);
    expect(s.value('keel_forwarder_leader', svc)).toBe(1);
    expect(s.value('keel_forwarder_events_forwarded_total', svc)).toBe(5);
    expect(s.value('keel_forwarder_events_buffered_total', svc)).toBe(0);
    expect(s.value('keel_forwarder_sink_down', svc)).toBe(0);
    expect(s.value('keel_forwarder_fallback_length', svc)).toBe(0);

    sink.down = true;
    for (let i = 5; i < 8; i++) await client.set(`${p}k${i}`, '1');
    await waitUntil(async () => (await client.llen(fallbackKey)) === 3, { what: '3 buffered events' });
    s = await scrape(app);
    expect(s.value('keel_forwarder_fallback_length', svc)).toBe(3);
    expect(s.value('keel_forwarder_events_buffered_total', svc)).toBe(3);
    expect(s.value('keel_forwarder_sink_down', svc)).toBe(1);
    expect(s.value('keel_forwarder_send_failures_total', svc)).toBeGreaterThanOrEqual(1);

    sink.down = false;
    await waitUntil(async () => sink.received.length === 8 && (await client.llen(fallbackKey)) === 0);
    s = await scrape(app);
    expect(s.value('keel_forwarder_events_forwarded_total', svc)).toBe(8);
    expect(s.value('keel_forwarder_events_replayed_total', svc)).toBe(3);
    expect(s.value('keel_forwarder_events_dropped_total', svc)).toBe(0);
    expect(s.value('keel_forwarder_fallback_length', svc)).toBe(0);
    expect(s.value('keel_forwarder_pending_events', svc)).toBe(0);
    const filtered = s.value('keel_forwarder_events_filtered_total', svc);
    expect(filtered).toBeGreaterThanOrEqual(1);
    expect(s.value('keel_forwarder_events_received_total', svc)).toBe(8 + filtered);
  });
});
