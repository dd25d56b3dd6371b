import { describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { fakeRegistry } from './helpers/fake-services.js';

describe('configFromObject', () => {
  const options = { registry: fakeRegistry(), env: {} };

  it('loads an object like a file: defaults, templates, camelCased settings', async () => {
    const config = await configFromObject(
      {
        app: { name: 'worker', env: 'test' },
        vars: { redis_port: '6390' },
        services: [
          { cls: 'RedisTransportService', settings: { port: '[redis_port]', cluster: false } },
          { cls: 'RedisListener', name: 'rpc', settings: { group_id: '[main_name]' } },
          { cls: 'RedisCache', enabled: false },
        ],
      },
      options,
    );
    expect(config.app).toMatchObject({ name: 'worker', env: 'test', initTimeoutMs: 30_000 });
    expect(config.files).toEqual(['<object>']);
    expect(config.services.map((service) => [service.name, service.enabled])).toEqual([
      ['RedisTransportService', true],
      ['rpc', true],
      ['RedisCache', false],
    ]);
    expect(config.services[0]?.settings).toEqual({ host: 'localhost', port: 6390, db: 0, cluster: false });
    expect(config.services[1]?.settings).toMatchObject({ groupId: 'worker', topic: 'rpc' });
    expect(config.services[1]?.source).toEqual({ file: '<object>', path: 'services[1]' });
  });

  it('reports every problem at once, under the given source name', async () => {
    const error = await configFromObject(
      {
        app: { name: '' },
        services: [{ cls: 'RedisTransportService', settings: { port: -1, hots: 'x' } }, { cls: 'Nope' }],
      },
      { ...options, source: 'bench' },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.every((issue) => issue.file === 'bench')).toBe(true);
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'app.name',
      'services[0].settings.hots',
      'services[0].settings.port',
      'services[1].cls',
    ]);
  });

  it('refuses what is not a plain object', async () => {
    await expect(configFromObject([] as never, options)).rejects.toBeInstanceOf(ConfigError);
  });
});
