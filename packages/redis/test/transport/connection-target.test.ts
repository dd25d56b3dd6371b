import { describe, expect, it } from 'vitest';
import { describeTarget, resolveConnectionTarget } from '../../src/transport/connection-target.js';
import {
  redisTransportSettings,
  type RedisTransportSettings,
} from '../../src/transport/redis-transport-settings.js';
import { scrubError, scrubSecrets } from '../../src/transport/scrub-secrets.js';

const settings = (overrides: Partial<RedisTransportSettings>): RedisTransportSettings => ({
  ...redisTransportSettings.defaults,
  ...overrides,
});

describe('resolveConnectionTarget', () => {
  it('uses host, port and db by default', () => {
    expect(resolveConnectionTarget(settings({}))).toEqual({
      cluster: false,
      seeds: [{ host: 'localhost', port: 6379 }],
      db: 0,
    });
  });

  it('takes host, port, credentials, db and TLS from a url', () => {
    const target = resolveConnectionTarget(
      settings({ url: 'rediss://us%40er:p%3Ass@redis.example:6380/4', password: 'other' }),
    );
    expect(target).toEqual({
      cluster: false,
      seeds: [{ host: 'redis.example', port: 6380 }],
      username: 'us@er',
      password: 'p:ss',
      db: 4,
      tls: {},
    });
  });

  it('keeps separate credentials when the url has none, and defaults the port to 6379', () => {
    const target = resolveConnectionTarget(settings({ url: 'redis://[::1]', username: 'u', password: 'p' }));
    expect(target).toMatchObject({ seeds: [{ host: '::1', port: 6379 }], username: 'u', password: 'p' });
    expect(describeTarget(target)).toBe('Redis at [::1]:6379');
  });

  it('parses cluster seeds from objects and "host:port" strings', () => {
    const target = resolveConnectionTarget(
      settings({ cluster: true, nodes: ['10.0.0.1:7000', { host: 'b', port: 7001 }, '[::1]:7002'] }),
    );
    expect(target.seeds).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'b', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(describeTarget(target)).toBe('Redis Cluster (seeds 10.0.0.1:7000, b:7001, [::1]:7002)');
  });

  it('uses host and port as the only seed of a cluster without nodes', () => {
    expect(resolveConnectionTarget(settings({ cluster: true, host: 'c', port: 7000 })).seeds).toEqual([
      { host: 'c', port: 7000 },
    ]);
  });

  it('builds TLS options', () => {
    expect(resolveConnectionTarget(settings({ tls: true })).tls).toEqual({});
    expect(
      resolveConnectionTarget(settings({ tls: { ca: 'CA', servername: 'name', rejectUnauthorized: false } }))
        .tls,
    ).toEqual({ ca: 'CA', servername: 'name', rejectUnauthorized: false });
    expect(resolveConnectionTarget(settings({ tls: false, url: 'rediss://h' })).tls).toBeUndefined();
    expect(resolveConnectionTarget(settings({})).tls).toBeUndefined();
  });

  it('sets the client name', () => {
    expect(resolveConnectionTarget(settings({ name: 'svc' })).name).toBe('svc');
  });

  it.each([
    [{ url: 'ftp://h' }, /redis:\/\/, rediss:\/\/ or redis\+sentinel:\/\//],
    [{ url: 'redis://h/not-a-db' }, /db path/],
    [{ cluster: true, db: 2 }, /only has db 0/],
    [{ cluster: true, nodes: ['h:99999'] }, /"h:99999"/],
    [{ cluster: true, nodes: [':7000'] }, /":7000"/],
  ] as [Partial<RedisTransportSettings>, RegExp][])('rejects %j', (overrides, message) => {
    expect(() => resolveConnectionTarget(settings(overrides))).toThrow(
      expect.objectContaining({ code: 'REDIS_SETTINGS_INVALID', message: expect.stringMatching(message) }),
    );
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

describe('scrubSecrets', () => {
  it('replaces secrets, their URL-encoded form and URL credentials', () => {
    expect(scrubSecrets('AUTH p@ss and p%40ss', ['p@ss'])).toBe('AUTH *** and ***');
    expect(scrubSecrets('see redis://user:anything@host:1', [])).toBe('see redis://user:***@host:1');
    expect(scrubSecrets('nothing here', [undefined, ''])).toBe('nothing here');
  });

  it('copies errors without their extra properties', () => {
    const error = Object.assign(new Error('bad pw1'), {
      code: 'ECODE',
      command: { name: 'auth', args: ['pw1'] },
    });
    const copy = scrubError(error, ['pw1']);
    expect(copy.message).toBe('bad ***');
    expect(copy.stack).not.toContain('pw1');
    expect(copy).toMatchObject({ code: 'ECODE' });
    expect(JSON.stringify(copy)).not.toContain('pw1');
  });
});
