import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, ConfigError, JSONRPCServer, loadConfig, Scope, ServiceRegistry } from '@keel/core';
import { afterAll, afterEach, expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { RedisLocksService } from '../../src/locks/redis-locks-service.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { appName, startApp, stopApps } from './fixtures.js';

/** The server configuration of the kaiju user guide, as given in the issue, byte for byte. */
const SEED = `services:
  - cls: RedisTransportService
  - cls: JSONRPCServer
  - cls: RedisLocksService
  - cls: RedisListener
    name: redis_stream.rpc
    enabled: "[services_stream_rpc_enabled:True]"
    settings:
      group_id: "[main_name]"
      topic: rpc
      scope: SYSTEM
      trim_delivered: True
      pending_messages_time_ms: null
`;

const registry = new ServiceRegistry().register(
  RedisTransportService,
  JSONRPCServer,
  RedisLocksService,
  RedisListener,
  RedisStreamRPCClient,
);
const dir = mkdtempSync(join(tmpdir(), 'keel-seed-'));
const started: App[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.stop()));
  await stopApps();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeBoth('the kaiju seed configuration', (target) => {
  /** The seed file, plus a second file naming the app and pointing the transport at the test Redis. */
  function files(name: string): string[] {
    const seed = join(dir, 'seed.yaml');
    writeFileSync(seed, SEED);
    const local = join(dir, `${name}.yaml`);
    const overrides = {
      app: { name, env: 'test', logLevel: 'silent' },
      services: [{ cls: 'RedisTransportService', override: true, settings: target.transportSettings() }],
    };
    writeFileSync(local, JSON.stringify(overrides));
    return [seed, local];
  }

  it('loads and starts unchanged, and serves calls over the stream with scope SYSTEM', async () => {
    const name = appName('seed');
    const config = await loadConfig(files(name), { registry, env: {} });
    const entry = config.services.find((service) => service.name === 'redis_stream.rpc');
    expect(entry).toMatchObject({
      cls: 'RedisListener',
      enabled: true,
      settings: {
        groupId: name,
        topic: 'rpc',
        scope: 'SYSTEM',
        trimDelivered: true,
        pendingMessagesTimeMs: null,
      },
    });

    const app = new App(config, { registry });
    started.push(app);
    await app.start();
    const listener = app.services.get(RedisListener);
    expect(listener.stream).toBe(`test.${name}._stream.rpc`);
    expect(listener.group).toBe(name);
    expect(listener.scope).toBe(Scope.SYSTEM);

    const caller = await startApp(target, { listener: false, ext: false });
    const status = await caller.services
      .get(RedisStreamRPCClient)
      .request('rpc.status', {}, { app: name, timeout: 10_000 });
    expect(status).toMatchObject({ inFlight: 1 });

    // The pause lock goes through the configured RedisLocksService.
    await listener.lock();
    expect(await app.services.get(RedisLocksService).exists(listener.pauseLockKey)).toBe(true);
    expect(await listener.unlock()).toBe(true);
  });

  it('disables the listener through its template, and reports a misspelt setting', async () => {
    const name = appName('seed');
    const disabled = await loadConfig(files(name), {
      registry,
      env: {},
      vars: { services_stream_rpc_enabled: 'False' },
    });
    expect(disabled.services.find((service) => service.name === 'redis_stream.rpc')?.enabled).toBe(false);

    const typo = join(dir, 'typo.yaml');
    writeFileSync(
      typo,
      'services:\n  - cls: RedisTransportService\n  - cls: JSONRPCServer\n  - cls: RedisListener\n    settings:\n      max_batch_sise: 5\n      scope: ROOT\n',
    );
    const error = await loadConfig([typo], { registry, env: {} }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).message;
    expect(text).toContain('max_batch_size');
    expect(text).toContain('scope');
  });
});
