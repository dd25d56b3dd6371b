import { defineSettings, dependency, Service, type App } from '@keel/core';
import typia from 'typia';
import { afterAll, describe, expect, it } from 'vitest';
import { describeBoth, startTestApp, waitUntil } from '../../../test-utils/src/index.js';
import { RedisKeyspaceWatcher } from '../../src/keyspace/redis-keyspace-watcher.js';
import { redisKeyspaceWatcherSettings } from '../../src/keyspace/redis-keyspace-watcher-settings.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { uniquePrefix } from './helpers.js';

const watcherDep = dependency(RedisKeyspaceWatcher, { setting: 'watcher' });

interface ChangeLogSettings {
  /** The watcher to use. */
  watcher?: string;
}

/** A service of the app that reacts to key changes through the watcher. */
class ChangeLog extends Service<ChangeLogSettings> {
  static override settingsSpec = defineSettings<ChangeLogSettings>({
    validate: typia.createValidateEquals<Partial<ChangeLogSettings>>(),
    keys: typia.misc.literals<keyof ChangeLogSettings>(),
    defaults: {},
  });
  static override dependencies = [watcherDep];
  readonly changes: string[] = [];

  override init(): Promise<void> {
    this.use(watcherDep).addCallback((key, value, event) => {
      this.changes.push(`${event} ${key} ${value?.toString() ?? '-'}`);
    });
    return Promise.resolve();
  }
}

describe('RedisKeyspaceWatcher settings', () => {
  it('accepts the documented settings and rejects bad flags and unknown keys', () => {
    expect(
      redisKeyspaceWatcherSettings.validate({
        patterns: ['a:*'],
        events: 'KEA',
        fetchValue: 'none',
        count: 3,
      }).success,
    ).toBe(true);
    expect(redisKeyspaceWatcherSettings.validate({ count: null }).success).toBe(true);
    expect(redisKeyspaceWatcherSettings.validate({ events: 'gq' }).success).toBe(false);
    expect(redisKeyspaceWatcherSettings.validate({ fetchValue: 'dump' }).success).toBe(false);
    expect(redisKeyspaceWatcherSettings.validate({ pattern: '*' }).success).toBe(false);
    expect(redisKeyspaceWatcherSettings.keys).toContain('handoverTimeoutMs');
  });
});

describeBoth('RedisKeyspaceWatcher service', (target) => {
  const apps: App[] = [];
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });

  it('starts from an app config and calls the callbacks other services register', async () => {
    const p = uniquePrefix('svc');
    const app = await startTestApp({
      name: 'ks',
      classes: [RedisTransportService, RedisKeyspaceWatcher, ChangeLog],
      services: [
        { cls: 'RedisTransportService', name: 'redis', settings: target.transportSettings() },
        {
          cls: 'RedisKeyspaceWatcher',
          name: 'watcher',
          settings: { transport: 'redis', patterns: [`${p}*`], events: '$g' },
        },
        { cls: 'ChangeLog', name: 'changes', settings: { watcher: 'watcher' } },
      ],
    });
    apps.push(app);
    const changes = app.services.get(ChangeLog);
    const client = target.client();
    await client.set(`${p}a`, 'one');
    // Values are fetched when the event is handled: wait before deleting, or the fetch sees the delete.
    await waitUntil(() => changes.changes.length === 1);
    await client.hset(`${p}h`, 'f', 'v'); // not watched (h)
    await client.del(`${p}a`);
    await waitUntil(() => changes.changes.length === 2);
    expect(changes.changes).toEqual([`set ${p}a one`, `del ${p}a -`]);
    const watcher = app.services.get(RedisKeyspaceWatcher);
    expect(await watcher.health()).toMatchObject({
      healthy: true,
      details: { status: 'watching', delivered: 2 },
    });
    await app.stop();
    expect(watcher.stats()).toBeUndefined();
  });
});
