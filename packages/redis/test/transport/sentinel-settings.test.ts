import { configFromObject, ConfigError, ServiceRegistry } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { describeTarget, resolveConnectionTarget } from '../../src/transport/connection-target.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import {
  redisTransportSettings,
  type RedisTransportSettings,
} from '../../src/transport/redis-transport-settings.js';
import { parseSentinelUrl } from '../../src/transport/sentinel-url.js';

const settings = (overrides: Partial<RedisTransportSettings>): RedisTransportSettings => ({
  ...redisTransportSettings.defaults,
  ...overrides,
});

describe('parseSentinelUrl', () => {
  it('reads several sentinels, the master name, data-node credentials and a db', () => {
    expect(parseSentinelUrl('redis+sentinel://us%40er:p%3Ass@s1:26380,[::1],s3/my%20master/4')).toEqual({
      sentinels: [
        { host: 's1', port: 26380 },
        { host: '::1', port: 26379 },
        { host: 's3', port: 26379 },
      ],
      name: 'my master',
      username: 'us@er',
      password: 'p:ss',
      db: 4,
      tls: false,
    });
    expect(parseSentinelUrl('rediss+sentinel://:pw@s1/m')).toEqual({
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'm',
      password: 'pw',
      tls: true,
    });
  });

  it.each([
    ['redis://h/m', /must start with redis\+sentinel/],
    ['redis+sentinel://s1:26379', /no master group name/],
    ['redis+sentinel://s1:26379/', /no master group name/],
    ['redis+sentinel://s1:99999/m', /"s1:99999"/],
    ['redis+sentinel://s1,,s2/m', /""/],
    ['redis+sentinel://s1/m/x', /path other than/],
    ['redis+sentinel://s1/m/1/2', /path other than/],
  ])('rejects %s', (url, reason) => {
    expect(parseSentinelUrl(url)).toMatch(reason);
  });
});

describe('resolveConnectionTarget with Sentinel', () => {
  it('resolves sentinels, the master name, role and the sentinels credentials', () => {
    const target = resolveConnectionTarget(
      settings({
        sentinels: ['10.0.0.1:26379', { host: 'b', port: 26380 }],
        sentinelName: 'orders',
        sentinelPassword: 'spw',
        sentinelUsername: 'watcher',
        password: 'dpw',
        db: 2,
        role: 'replica',
      }),
    );
    expect(target).toEqual({
      cluster: false,
      seeds: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'b', port: 26380 },
      ],
      sentinel: {
        sentinels: [
          { host: '10.0.0.1', port: 26379 },
          { host: 'b', port: 26380 },
        ],
        name: 'orders',
        role: 'replica',
        username: 'watcher',
        password: 'spw',
      },
      password: 'dpw',
      db: 2,
    });
    expect(describeTarget(target)).toBe(
      'a replica of "orders" through Redis Sentinel (sentinels 10.0.0.1:26379, b:26380)',
    );
  });

  it('takes sentinels, name, credentials and db from a redis+sentinel:// url over the settings', () => {
    const target = resolveConnectionTarget(
      settings({
        url: 'redis+sentinel://alice:apw@s1:1,s2:2/main/3',
        sentinels: ['ignored:9'],
        sentinelName: 'ignored',
        password: 'other',
      }),
    );
    expect(target).toMatchObject({
      seeds: [
        { host: 's1', port: 1 },
        { host: 's2', port: 2 },
      ],
      sentinel: { name: 'main', role: 'master' },
      username: 'alice',
      password: 'apw',
      db: 3,
    });
    expect(describeTarget(target)).toBe(
      'the primary of "main" through Redis Sentinel (sentinels s1:1, s2:2)',
    );
  });

  it.each([
    [{ sentinels: ['s:1'], sentinelName: 'm', cluster: true }, /Sentinel and Cluster exclude each other/],
    [{ url: 'redis+sentinel://s:1/m', cluster: true }, /Sentinel and Cluster exclude each other/],
    [{ sentinels: ['s:1'] }, /sentinelName .* is required/],
    [{ sentinels: [], sentinelName: 'm' }, /sentinels is empty/],
    [{ sentinels: ['nope'], sentinelName: 'm' }, /"nope" is not "host:port"/],
    [{ sentinelName: 'm' }, /applies only with sentinels/],
    [{ sentinelPassword: 'x' }, /applies only with sentinels/],
    [{ role: 'replica' }, /needs sentinels/],
    [{ url: 'redis+sentinel://s:1' }, /no master group name/],
  ] as [Partial<RedisTransportSettings>, RegExp][])('rejects %j', (overrides, message) => {
    expect(() => resolveConnectionTarget(settings(overrides))).toThrow(
      expect.objectContaining({ code: 'REDIS_SETTINGS_INVALID', message: expect.stringMatching(message) }),
    );
  });
});

describe('Sentinel settings at config load', () => {
  const registry = new ServiceRegistry().register(RedisTransportService);
  const load = (transport: Record<string, unknown>) =>
    configFromObject(
      {
        app: { name: 'sentinel', env: 'test' },
        services: [{ cls: 'RedisTransportService', settings: transport }],
      },
      { registry, env: {} },
    );

  it('loads sentinels given as in the docs, snake_case included', async () => {
    const config = await load({
      sentinels: ['10.0.0.1:26379', { host: '10.0.0.2', port: 26379 }],
      sentinel_name: 'mymaster',
      sentinel_password: 'pw',
      role: 'replica',
    });
    expect(config.services[0]?.settings).toMatchObject({
      sentinels: ['10.0.0.1:26379', { host: '10.0.0.2', port: 26379 }],
      sentinelName: 'mymaster',
      sentinelPassword: 'pw',
      role: 'replica',
      cluster: false,
    });
  });

  it('reports cluster with sentinels, a missing sentinelName and a bad address, each with its path', async () => {
    const error = await load({ cluster: true, sentinels: ['s1:26379', 'bad'] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'services[0].settings.cluster',
      'services[0].settings.sentinelName',
      'services[0].settings.sentinels[1]',
    ]);
    expect(issues.find((issue) => issue.path.endsWith('.cluster'))?.expected).toMatch(
      /Sentinel and Cluster exclude each other/,
    );
    expect((error as ConfigError).message).toMatch(/missing required setting/);
  });

  it('reports role: replica without sentinels, and an unknown role', async () => {
    const replica = await load({ role: 'replica' }).catch((caught: unknown) => caught);
    expect((replica as ConfigError).issues.map((issue) => issue.path)).toEqual(['services[0].settings.role']);
    const unknown = await load({ role: 'primary', sentinels: ['s:1'], sentinelName: 'm' }).catch(
      (caught: unknown) => caught,
    );
    expect((unknown as ConfigError).issues.map((issue) => issue.path)).toEqual(['services[0].settings.role']);
  });

  it('reports the Sentinel problems together with the other ones', async () => {
    const error = await load({ port: 'x', cluster: true, url: 'redis+sentinel://s:1/m' }).catch(
      (caught: unknown) => caught,
    );
    expect((error as ConfigError).issues.map((issue) => issue.path).sort()).toEqual([
      'services[0].settings.cluster',
      'services[0].settings.port',
    ]);
  });
});
