import { configFromObject, ConfigError, ServiceRegistry } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { parseSentinelUrl } from '../../src/transport/sentinel-url.js';

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
