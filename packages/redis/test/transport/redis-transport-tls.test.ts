import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKeelError, type KeelError } from '@keel/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAppContext } from '../../../test-utils/src/index.js';
import { findFreePort } from '../../src/embedded/free-port.js';
import { startRedisServer, type RedisServerHandle } from '../../src/embedded/start-redis-server.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import {
  redisTransportSettings,
  type RedisTransportSettings,
} from '../../src/transport/redis-transport-settings.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl())('RedisTransportService over TLS', () => {
  let dir: string;
  let server: RedisServerHandle;
  let tlsPort: number;
  let ca: string;
  const services: RedisTransportService[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-tls-test-'));
    const file = (name: string): string => join(dir, name);
    const openssl = (...args: string[]): void => {
      execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
    };
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=keel-test-ca',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.crt'),
    );
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
    );
    writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl(
      'x509',
      '-req',
      '-days',
      '1',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-extfile',
      file('ext.cnf'),
      '-out',
      file('server.crt'),
    );
    ca = readFileSync(file('ca.crt'), 'utf8');
    tlsPort = await findFreePort();
    server = await startRedisServer({
      args: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        file('server.crt'),
        '--tls-key-file',
        file('server.key'),
        '--tls-ca-cert-file',
        file('ca.crt'),
        '--tls-auth-clients',
        'no',
      ],
    });
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.close()));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function connect(overrides: Partial<RedisTransportSettings>): Promise<RedisTransportService> {
    const app = testAppContext();
    const service = new RedisTransportService({
      app,
      name: 'redis',
      settings: { ...redisTransportSettings.defaults, ...overrides },
      logger: app.logger,
    });
    services.push(service);
    await service.init(new AbortController().signal);
    return service;
  }

  it('connects with tls options and a trusted CA', async () => {
    const transport = await connect({ host: '127.0.0.1', port: tlsPort, tls: { ca } });
    expect(await transport.client.set('tls:k', 'v')).toBe('OK');
    expect(await transport.client.get('tls:k')).toBe('v');
  });

  it('connects with a rediss:// url', async () => {
    const transport = await connect({
      url: `rediss://localhost:${tlsPort}`,
      tls: { ca, servername: 'localhost' },
    });
    expect(await transport.ping()).toBeGreaterThan(0);
  });

  it('fails fast with REDIS_CONNECT_FAILED when the certificate is not trusted', async () => {
    let error: KeelError | undefined;
    try {
      await connect({ host: '127.0.0.1', port: tlsPort, tls: true, connectTimeout: 20_000 });
    } catch (caught) {
      if (isKeelError(caught)) error = caught;
    }
    expect(error?.code).toBe('REDIS_CONNECT_FAILED');
    expect(error?.message).toContain(`127.0.0.1:${tlsPort}`);
    expect(error?.message).toMatch(/certificate/i);
    expect(error?.details).toMatchObject({ timedOut: false });
  });
});
