import { isKeelError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { testAppContext } from '../../../test-utils/src/index.js';
import { findFreePort } from '../../src/embedded/free-port.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import {
  redisTransportSettings,
  type RedisTransportSettings,
} from '../../src/transport/redis-transport-settings.js';

function transport(overrides: Partial<RedisTransportSettings>): RedisTransportService {
  const app = testAppContext();
  return new RedisTransportService({
    app,
    name: 'redis',
    settings: { ...redisTransportSettings.defaults, ...overrides },
    logger: app.logger,
  });
}

async function initError(
  service: RedisTransportService,
  signal = new AbortController().signal,
): Promise<Error> {
  try {
    await service.init(signal);
  } catch (error) {
    return error as Error;
  } finally {
    await service.close();
  }
  throw new Error('expected init to fail');
}

describe('RedisTransportService when Redis is unreachable', () => {
  it('fails with REDIS_CONNECT_FAILED naming host, port and cause when nothing listens', async () => {
    const port = await findFreePort();
    const service = transport({ host: '127.0.0.1', port, password: 'never-shown-pw', connectTimeout: 500 });
    const error = await initError(service);
    expect(isKeelError(error, 'REDIS_CONNECT_FAILED')).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('never-shown-pw');
    expect((error as { details?: unknown }).details).toMatchObject({
      host: '127.0.0.1',
      port,
      timedOut: true,
    });
    expect(() => service.client).toThrow(expect.objectContaining({ code: 'REDIS_NOT_CONNECTED' }));
  });

  it('fails in cluster mode naming the seeds', async () => {
    const ports = [await findFreePort(), await findFreePort()];
    const service = transport({
      cluster: true,
      nodes: ports.map((port) => `127.0.0.1:${port}`),
      connectTimeout: 500,
    });
    const error = await initError(service);
    expect(isKeelError(error, 'REDIS_CONNECT_FAILED')).toBe(true);
    for (const port of ports) expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('scrubs a password given in the url', async () => {
    const port = await findFreePort();
    const service = transport({ url: `redis://bob:url-secret-pw@127.0.0.1:${port}/2`, connectTimeout: 300 });
    const error = await initError(service);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(`${error.message}${error.stack ?? ''}${JSON.stringify(error)}`).not.toContain('url-secret-pw');
  });

  it('stops trying when the init signal aborts', async () => {
    const port = await findFreePort();
    const controller = new AbortController();
    const service = transport({ host: '127.0.0.1', port, connectTimeout: 60_000 });
    const failing = initError(service, controller.signal);
    setTimeout(() => {
      controller.abort(new Error('init timeout'));
    }, 100);
    const error = await failing;
    expect(isKeelError(error, 'REDIS_CONNECT_FAILED')).toBe(true);
    expect(error.message).toContain('aborted');
  });

  it('rejects a malformed url with REDIS_SETTINGS_INVALID, without the password', async () => {
    const error = await initError(transport({ url: 'http://user:pw-in-url@host:1' }));
    expect(isKeelError(error, 'REDIS_SETTINGS_INVALID')).toBe(true);
    expect(error.message).not.toContain('pw-in-url');
    const notUrl = await initError(transport({ url: 'not a url' }));
    expect(isKeelError(notUrl, 'REDIS_SETTINGS_INVALID')).toBe(true);
  });

  it('rejects a malformed node address', async () => {
    const error = await initError(transport({ cluster: true, nodes: ['no-port-here'] }));
    expect(isKeelError(error, 'REDIS_SETTINGS_INVALID')).toBe(true);
    expect(error.message).toContain('no-port-here');
  });
});
