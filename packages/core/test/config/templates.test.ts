import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { LoadConfigOptions } from '../../src/config/load-config-options.js';
import { configIssues } from './helpers/config-issues.js';
import { fakeRegistry } from './helpers/fake-services.js';
import { tempFiles, type TempFiles } from './helpers/temp-files.js';

describe('templates', () => {
  let files: TempFiles;
  beforeEach(async () => {
    files = await tempFiles();
  });
  afterEach(async () => {
    await files.remove();
  });

  const load = (paths: string[], options: LoadConfigOptions = {}) =>
    loadConfig(paths, { registry: fakeRegistry(), env: {}, ...options });

  it('takes a value from vars < env files < OS environment < --var', async () => {
    const file = await files.write(
      'app.yaml',
      `
      vars: {a: from-vars, b: from-vars, c: from-vars, d: from-vars, e: from-vars}
      app: {name: "[a]", env: "[b]", id: "[c]"}
      services:
        - cls: RedisTransportService
          settings: {host: "[d]", password: "[e]"}
      `,
    );
    const first = await files.write(
      'first.env',
      'b=from-env-file-1\nc=from-env-file-1\nd=from-env-file-1\ne=from-env-file-1\n',
    );
    const second = await files.write(
      'second.env',
      'c=from-env-file-2\nd=from-env-file-2\ne=from-env-file-2\n',
    );
    const config = await load([file], {
      envFiles: [first, second],
      env: { d: 'from-os-env', e: 'from-os-env' },
      vars: { e: 'from-var-arg' },
    });
    expect(config.app).toMatchObject({ name: 'from-vars', env: 'from-env-file-1', id: 'from-env-file-2' });
    expect(config.services[0]?.settings).toMatchObject({ host: 'from-os-env', password: 'from-var-arg' });
  });

  it('coerces text values, keeps typed vars, and uses defaults', async () => {
    const file = await files.write(
      'app.yaml',
      `
      vars: {typed_port: 6380, text_port: "6381", yes: "True", quoted_false: "false"}
      services:
        - cls: RedisListener
          enabled: "[yes]"
          settings:
            group_id: "[group:demo]"
            trim_delivered: "[trim:False]"
            pending_messages_time_ms: "[pending:None]"
            max_batch_size: "[batch:25]"
        - cls: RedisTransportService
          enabled: "[quoted_false]"
          settings: {port: "[typed_port]", db: "[db:3]", cluster: "[cluster:true]"}
        - cls: RedisTransportService
          name: second
          settings: {port: "[text_port]", host: "[host:]"}
      `,
    );
    const config = await load([file]);
    expect(config.services[0]).toMatchObject({
      enabled: true,
      settings: { groupId: 'demo', trimDelivered: false, pendingMessagesTimeMs: null, maxBatchSize: 25 },
    });
    expect(config.services[1]).toMatchObject({
      enabled: false,
      settings: { port: 6380, db: 3, cluster: true },
    });
    expect(config.services[2]?.settings).toMatchObject({ port: 6381, host: '' });
  });

  it('gives a templated number back its text where a string is expected', async () => {
    const file = await files.write(
      'app.yaml',
      `
      app: {name: "[APP_NAME]", id: "[APP_ID]"}
      services:
        - cls: RedisTransportService
          settings: {password: "[REDIS_PASSWORD]", port: "[REDIS_PORT]"}
      `,
    );
    const config = await load([file], {
      env: { APP_NAME: '42', APP_ID: 'True', REDIS_PASSWORD: '0123.50', REDIS_PORT: '7000' },
    });
    expect(config.app).toMatchObject({ name: '42', id: 'True' });
    expect(config.services[0]?.settings).toMatchObject({ password: '0123.50', port: 7000 });
  });

  it('names the missing key and its path, once, with a suggestion', async () => {
    const file = await files.write(
      'app.yaml',
      `
      vars: {main_name: demo}
      app: {name: "[main_nam]"}
      services:
        - cls: RedisListener
          enabled: "[services_stream_rpc_enabled]"
          settings: {group_id: "[main_name]", topic: "[TOPIC]"}
      `,
    );
    const issues = await configIssues(load([file]));
    expect(issues).toEqual([
      {
        file,
        path: 'app.name',
        message: 'no value for template key "main_nam"',
        suggestion: 'main_name',
      },
      {
        file,
        path: 'services[0].enabled',
        message: expect.stringContaining('"services_stream_rpc_enabled"'),
      },
      { file, path: 'services[0].settings.topic', message: expect.stringContaining('"TOPIC"') },
    ]);
  });

  it('is not recursive and only replaces whole strings', async () => {
    const file = await files.write(
      'app.yaml',
      `
      vars: {outer: "[inner]", inner: nope}
      app: {name: "[outer]", env: "prefix-[inner]"}
      `,
    );
    const config = await load([file]);
    expect(config.app).toMatchObject({ name: '[inner]', env: 'prefix-[inner]' });
  });

  it('reads [main_name] as an ordinary key, from the environment too', async () => {
    const file = await files.write('app.yaml', 'app: {name: "[main_name]", env: "[main.env]"}\n');
    const config = await load([file], { env: { main_name: 'kaiju-style', 'main.env': 'prod' } });
    expect(config.app).toMatchObject({ name: 'kaiju-style', env: 'prod' });
  });

  it('substitutes maps from vars as copies', async () => {
    const file = await files.write(
      'app.yaml',
      `
      vars: {redis: {host: shared, port: 7001}}
      services:
        - {cls: RedisTransportService, name: a, settings: "[redis]"}
        - {cls: RedisTransportService, name: b, settings: "[redis]"}
      `,
    );
    const config = await load([file]);
    expect(config.services[0]?.settings).toMatchObject({ host: 'shared', port: 7001 });
    expect(config.services[0]?.settings).not.toBe(config.services[1]?.settings);
  });
});

describe('merging files', () => {
  let files: TempFiles;
  beforeEach(async () => {
    files = await tempFiles();
  });
  afterEach(async () => {
    await files.remove();
  });

  it('deep-merges maps, concatenates services, replaces other lists, and keeps sources', async () => {
    const base = await files.write(
      'base.yaml',
      `
      vars: {host: base-host, port: 1}
      app: {name: base, env: dev, log_level: debug}
      services:
        - cls: RedisTransportService
          settings: {host: "[host]", port: "[port]"}
        - RedisCache
      `,
    );
    const prod = await files.write(
      'prod.yaml',
      `
      vars: {host: prod-host}
      app: {env: prod}
      services:
        - cls: RedisListener
          depends_on: [RedisTransportService]
      `,
    );
    const config = await loadConfig([base, prod], { registry: fakeRegistry(), env: {} });
    expect(config.files).toEqual([base, prod]);
    expect(config.app).toEqual({
      name: 'base',
      env: 'prod',
      logLevel: 'debug',
      initTimeoutMs: 30_000,
      closeTimeoutMs: 10_000,
      metrics: true,
    });
    expect(config.services.map((service) => [service.name, service.source])).toEqual([
      ['RedisTransportService', { file: base, path: 'services[0]' }],
      ['RedisCache', { file: base, path: 'services[1]' }],
      ['RedisListener', { file: prod, path: 'services[2]' }],
    ]);
    expect(config.services[0]?.settings).toMatchObject({ host: 'prod-host', port: 1 });
  });

  it('lets a later file replace a non-service list', async () => {
    const a = await files.write(
      'a.yaml',
      'vars: {nodes: [a, b]}\nservices: [{cls: RedisTransportService, settings: {nodes: "[nodes]"}}]\n',
    );
    const b = await files.write('b.yaml', 'vars: {nodes: [c]}\n');
    const config = await loadConfig([a, b], { registry: fakeRegistry(), env: {} });
    expect(config.services[0]?.settings).toMatchObject({ nodes: ['c'] });
  });

  it('reports a template problem in the file that wrote the value', async () => {
    const a = await files.write('a.yaml', 'app: {name: "[nope]", env: "[nope2]"}\n');
    const b = await files.write(
      'b.yaml',
      'app: {env: fixed}\nservices: [{cls: RedisCache, enabled: "[nope3]"}]\n',
    );
    const issues = await configIssues(loadConfig([a, b], { registry: fakeRegistry(), env: {} }));
    expect(issues.map((issue) => [issue.file, issue.path])).toEqual([
      [a, 'app.name'],
      [b, 'services[0].enabled'],
    ]);
  });
});
