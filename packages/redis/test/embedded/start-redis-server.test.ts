import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/embedded/free-port.js';
import { startRedisServer, type RedisServerHandle } from '../../src/embedded/start-redis-server.js';
import { isAlive } from './process-alive.js';

const started: RedisServerHandle[] = [];
const clients: Redis[] = [];

async function start(...args: Parameters<typeof startRedisServer>): Promise<RedisServerHandle> {
  const server = await startRedisServer(...args);
  started.push(server);
  return server;
}

function connect(server: RedisServerHandle, options: { username?: string; password?: string } = {}): Redis {
  const client = new Redis({
    host: server.host,
    port: server.port,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableReadyCheck: false,
    ...options,
  });
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

describe('startRedisServer', () => {
  it('starts a server on a free port that answers, and stop() ends the process and removes its dir', async () => {
    const server = await start();
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    const pid = server.pid!;
    expect(isAlive(pid)).toBe(true);

    const client = connect(server);
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    expect(await client.config('GET', 'save')).toEqual(['save', '']);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    client.disconnect();

    await server.stop();
    expect(server.running).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
    await server.stop(); // idempotent
  });

  it('requires the password and keeps it off the command line', async () => {
    const server = await start({ password: 'pa ss"word' });
    const anonymous = new Redis({
      host: server.host,
      port: server.port,
      lazyConnect: true,
      enableReadyCheck: false,
      protocol: 2,
    });
    clients.push(anonymous);
    await anonymous.connect();
    await expect(anonymous.get('x')).rejects.toThrow(/NOAUTH/);
    const authed = connect(server, { password: 'pa ss"word' });
    await authed.connect();
    expect(await authed.ping()).toBe('PONG');
    const { readFileSync } = await import('node:fs');
    const cmdline = readFileSync(`/proc/${server.pid!}/cmdline`, 'utf8');
    expect(cmdline).not.toContain('pa ss');
  });

  it('creates ACL users', async () => {
    const server = await start({ users: ['alice on >alicepw ~* +@all', 'user bob on >bobpw ~bob:* +get'] });
    const alice = connect(server, { username: 'alice', password: 'alicepw' });
    await alice.connect();
    expect(await alice.acl('WHOAMI')).toBe('alice');
    const bob = connect(server, { username: 'bob', password: 'bobpw' });
    await bob.connect();
    await expect(bob.set('other', '1')).rejects.toThrow(/NOPERM/);
  });

  it('kill() stops the process abruptly and restart() brings it back on the same port', async () => {
    const server = await start();
    const { port } = server;
    const firstPid = server.pid!;
    await server.kill();
    expect(server.running).toBe(false);
    expect(isAlive(firstPid)).toBe(false);
    expect(existsSync(server.dir)).toBe(true);

    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(firstPid);
    const client = connect(server);
    await client.connect();
    expect(await client.ping()).toBe('PONG');

    const runningPid = server.pid!;
    await server.restart(); // restart of a running server stops it first
    expect(isAlive(runningPid)).toBe(false);
    expect(server.running).toBe(true);
  });

  it('passes extra arguments', async () => {
    const server = await start({ args: ['--maxmemory', '10mb'] });
    const client = connect(server);
    await client.connect();
    expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(10 * 1024 * 1024)]);
  });

  it('starts in cluster mode', async () => {
    const server = await start({ cluster: true });
    const client = connect(server);
    await client.connect();
    const info = await client.cluster('INFO');
    expect(info).toContain('cluster_state:fail'); // no slots assigned yet
    expect(await client.config('GET', 'cluster-node-timeout')).toEqual(['cluster-node-timeout', '2000']);
  });

  it('fails with REDIS_SERVER_START_FAILED and the server log when the server cannot start', async () => {
    const failure = startRedisServer({ args: ['--no-such-option', 'x'] });
    await expect(failure).rejects.toMatchObject({ code: 'REDIS_SERVER_START_FAILED' });
    await expect(failure).rejects.toThrow(/no-such-option/);
  });

  it('fails when a fixed port is taken by another process', async () => {
    const port = await findFreePort();
    const blocker: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startRedisServer({ port, startTimeout: 3000 })).rejects.toMatchObject({
        code: 'REDIS_SERVER_START_FAILED',
      });
    } finally {
      await new Promise<void>((resolve) => {
        blocker.close(() => {
          resolve();
        });
      });
    }
  });

  it('fails clearly when the binary does not exist', async () => {
    await expect(startRedisServer({ binary: 'no-such-redis-server-binary' })).rejects.toThrow(
      /no-such-redis-server-binary.*ENOENT/,
    );
  });
});

describe('findFreePort', () => {
  it('returns a port whose cluster bus port is valid', async () => {
    const port = await findFreePort({ clusterBus: true });
    expect(port + 10_000).toBeLessThanOrEqual(65_535);
  });
});
