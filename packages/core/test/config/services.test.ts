import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { formatConfigIssue } from '../../src/errors/config-error.js';
import { configIssues } from './helpers/config-issues.js';
import { fakeRegistry } from './helpers/fake-services.js';
import { tempFiles, type TempFiles } from './helpers/temp-files.js';

describe('service entries', () => {
  let files: TempFiles;
  beforeEach(async () => {
    files = await tempFiles();
  });
  afterEach(async () => {
    await files.remove();
  });

  const load = async (yaml: string) => {
    const file = await files.write('app.yaml', yaml);
    return { file, result: loadConfig([file], { registry: fakeRegistry(), env: {} }) };
  };

  it('loads the kaiju user-guide YAML unchanged', async () => {
    const { result } = await load(`
      services:
        - cls: RedisTransportService
          settings:
            host: localhost
            port: 6379
            password: redis1
            db: 0
            cluster: False
        - cls: RedisCache
        - cls: RedisLocksService
        - cls: JSONRPCServer
        - cls: RedisListener
          name: redis_stream.rpc
          enabled: "[services_stream_rpc_enabled:True]"
          settings:
            group_id: "[main_name]"
            topic: rpc
            scope: SYSTEM
            trim_delivered: True
            pending_messages_time_ms: null
        - cls: RedisStreamRPCClient
      app:
        name: demo
    `);
    const config = await result;
    expect(config.services.map((service) => service.name)).toEqual([
      'RedisTransportService',
      'RedisCache',
      'RedisLocksService',
      'JSONRPCServer',
      'redis_stream.rpc',
      'RedisStreamRPCClient',
    ]);
    expect(config.services[0]?.settings).toEqual({
      host: 'localhost',
      port: 6379,
      password: 'redis1',
      db: 0,
      cluster: false,
    });
    expect(config.services[4]).toEqual({
      cls: 'RedisListener',
      name: 'redis_stream.rpc',
      enabled: true,
      required: true,
      override: false,
      dependsOn: [],
      settings: {
        groupId: 'demo',
        topic: 'rpc',
        scope: 'SYSTEM',
        trimDelivered: true,
        pendingMessagesTimeMs: null,
        maxBatchSize: 10,
      },
      source: { file: expect.any(String), path: 'services[4]' },
    });
  });

  it('treats snake_case and camelCase keys alike, in entries and settings', async () => {
    const { result } = await load(`
      services:
        - cls: RedisListener
          name: snake
          depends_on: [camel]
          init_timeout_ms: 500
          settings: {group_id: g, max_batch_size: 5, trim_delivered: true, tls: {ca: x, rejectUnauthorized: false}}
        - cls: RedisListener
          name: camel
          initTimeoutMs: 500
          settings: {groupId: g, maxBatchSize: 5, trimDelivered: true}
    `);
    const config = await result;
    const [snake, camel] = config.services;
    expect(snake).toMatchObject({ dependsOn: ['camel'], initTimeoutMs: 500 });
    expect(camel).toMatchObject({ dependsOn: [], initTimeoutMs: 500 });
    expect(snake?.settings).toMatchObject({ groupId: 'g', maxBatchSize: 5, trimDelivered: true });
    expect(camel?.settings).toMatchObject({ groupId: 'g', maxBatchSize: 5, trimDelivered: true });
    expect(snake?.settings['tls']).toEqual({ ca: 'x', rejectUnauthorized: false });
  });

  it('passes nested maps through as written (their keys are not converted)', async () => {
    const { file, result } = await load(`
      services:
        - cls: RedisListener
          settings: {tls: {ca: x, reject_unauthorized: false}}
    `);
    expect(await configIssues(result)).toEqual([
      { file, path: 'services[0].settings.tls.reject_unauthorized', message: 'unknown key', got: false },
    ]);
  });

  it('reports both spellings of one key', async () => {
    const { file, result } = await load(`
      services:
        - cls: RedisListener
          depends_on: []
          dependsOn: []
          settings: {max_batch_size: 1, maxBatchSize: 2}
    `);
    expect(await configIssues(result)).toEqual([
      {
        file,
        path: 'services[0].dependsOn',
        message: '"depends_on" and "dependsOn" are the same key; keep one',
      },
      {
        file,
        path: 'services[0].settings.maxBatchSize',
        message: '"max_batch_size" and "maxBatchSize" are the same key; keep one',
      },
    ]);
  });

  it('reads a bare string as {cls: ...} and applies entry defaults', async () => {
    const { result } = await load('services:\n  - RedisCache\n  - RedisTransportService\n');
    const config = await result;
    expect(config.services[0]).toEqual({
      cls: 'RedisCache',
      name: 'RedisCache',
      enabled: true,
      required: true,
      override: false,
      dependsOn: [],
      settings: {},
      source: { file: expect.any(String), path: 'services[0]' },
    });
    expect(config.services[1]?.settings).toEqual({ host: 'localhost', port: 6379, db: 0, cluster: false });
  });

  it('lets an override replace an earlier entry in its place', async () => {
    const base = await files.write(
      'base.yaml',
      'services:\n  - {cls: RedisTransportService, name: redis}\n  - RedisCache\n',
    );
    const local = await files.write(
      'local.yaml',
      'services:\n  - {cls: RedisTransportService, name: redis, override: true, required: false, settings: {port: 7000}}\n',
    );
    const config = await loadConfig([base, local], { registry: fakeRegistry(), env: {} });
    expect(config.services.map((service) => service.name)).toEqual(['redis', 'RedisCache']);
    expect(config.services[0]).toMatchObject({
      override: true,
      required: false,
      settings: { port: 7000 },
      source: { file: local, path: 'services[2]' },
    });
  });

  it('reports a repeated name without override', async () => {
    const { file, result } = await load(
      'services:\n  - RedisCache\n  - {cls: RedisCache}\n  - {cls: RedisLocksService, name: RedisCache}\n',
    );
    const issues = await configIssues(result);
    expect(issues.map((issue) => [issue.file, issue.path])).toEqual([
      [file, 'services[1]'],
      [file, 'services[2].name'],
    ]);
    expect(issues[0]?.message).toBe(
      `duplicate service name "RedisCache" (already used by services[0] in ${file}); set override: true to replace it`,
    );
  });

  it('suggests the closest registered class for an unknown cls', async () => {
    const { file, result } = await load('services:\n  - cls: RedisTransportServise\n  - NoSuchThingAtAll\n');
    expect(await configIssues(result)).toEqual([
      {
        file,
        path: 'services[0].cls',
        message: 'unknown service class',
        expected: 'a class registered by a module in packages:',
        got: 'RedisTransportServise',
        suggestion: 'RedisTransportService',
      },
      {
        file,
        path: 'services[1].cls',
        message: 'unknown service class',
        expected: 'a class registered by a module in packages:',
        got: 'NoSuchThingAtAll',
      },
    ]);
  });

  it('reports a wrongly typed setting with its path, expected type and value, as spelled', async () => {
    const { file, result } = await load(`
      services:
        - RedisCache
        - RedisCache2
        - RedisLocksService
        - JSONRPCServer
        - cls: RedisListener
          settings: {max_batch_size: "ten", scope: ADMIN, tls: {ca: 1}}
    `);
    const issues = (await configIssues(result)).filter((issue) => issue.path.startsWith('services[4]'));
    expect(issues).toEqual([
      {
        file,
        path: 'services[4].settings.max_batch_size',
        message: 'wrong type',
        expected: 'number & Type<"uint32"> & Minimum<1>',
        got: 'ten',
      },
      {
        file,
        path: 'services[4].settings.scope',
        message: 'invalid value',
        expected: '"GUEST" | "SYSTEM" | "USER"',
        got: 'ADMIN',
      },
      { file, path: 'services[4].settings.tls.ca', message: 'wrong type', expected: 'string', got: 1 },
    ]);
    expect(formatConfigIssue(issues[0]!)).toBe(
      `${file}: services[4].settings.max_batch_size: wrong type; expected number & Type<"uint32"> & Minimum<1>; got "ten"`,
    );
  });

  it('suggests the closest setting for an unknown one, in the same spelling', async () => {
    const { file, result } = await load(`
      services:
        - cls: RedisListener
          settings: {max_batch_sise: 1, groupID: x, completely_unrelated: 1}
        - cls: RedisCache
          settings: {anything: 1}
    `);
    expect(await configIssues(result)).toEqual([
      {
        file,
        path: 'services[0].settings.max_batch_sise',
        message: 'unknown setting',
        got: 1,
        suggestion: 'max_batch_size',
      },
      {
        file,
        path: 'services[0].settings.groupID',
        message: 'unknown setting',
        got: 'x',
        suggestion: 'groupId',
      },
      { file, path: 'services[0].settings.completely_unrelated', message: 'unknown setting', got: 1 },
      { file, path: 'services[1].settings.anything', message: 'unknown setting', got: 1 },
    ]);
  });

  it('reports unknown and wrongly typed entry fields', async () => {
    const { file, result } = await load(`
      services:
        - {cls: RedisCache, enabeld: false, required: "no", init_timeout_ms: -5}
        - {name: nameless}
        - 42
    `);
    expect(await configIssues(result)).toEqual([
      { file, path: 'services[0].enabeld', message: 'unknown field', got: false, suggestion: 'enabled' },
      { file, path: 'services[0].required', message: 'wrong type', expected: 'boolean', got: 'no' },
      {
        file,
        path: 'services[0].init_timeout_ms',
        message: 'invalid value',
        expected: 'number & Type<"uint32">',
        got: -5,
      },
      { file, path: 'services[1].cls', message: 'missing required field', expected: 'string & MinLength<1>' },
      {
        file,
        path: 'services[2]',
        message: 'a service entry is a class name or a map',
        expected: 'a string or a map with cls:',
        got: 42,
      },
    ]);
  });

  it('reports three different mistakes in one file together', async () => {
    const { file, result } = await load(`
      app: {name: demo, log_levl: debug}
      services:
        - cls: RedisTransportServise
        - cls: RedisListener
          settings: {group_id: g, max_batch_size: 0}
    `);
    const issues = await configIssues(result);
    expect(issues.map((issue) => [issue.file, issue.path, issue.suggestion])).toEqual([
      [file, 'app.log_levl', 'log_level'],
      [file, 'services[0].cls', 'RedisTransportService'],
      [file, 'services[1].settings.max_batch_size', undefined],
    ]);
  });

  it('checks dependsOn names against the final list', async () => {
    const { file, result } = await load(`
      services:
        - {cls: RedisTransportService, name: redis}
        - {cls: RedisCache, depends_on: [redis, rediss, RedisCache]}
    `);
    expect(await configIssues(result)).toEqual([
      {
        file,
        path: 'services[1].depends_on[1]',
        message: 'unknown service name',
        got: 'rediss',
        suggestion: 'redis',
      },
      {
        file,
        path: 'services[1].depends_on[2]',
        message: 'a service cannot depend on itself',
        got: 'RedisCache',
      },
    ]);
  });

  it('validates the settings of disabled entries too', async () => {
    const { file, result } = await load(`
      services:
        - {cls: RedisTransportService, enabled: false, settings: {port: "not a port"}}
        - {cls: RedisCache, enabled: false}
    `);
    expect(await configIssues(result)).toMatchObject([
      { file, path: 'services[0].settings.port', got: 'not a port' },
    ]);
  });

  it('validates the app: section with defaults and snake_case keys', async () => {
    const ok = await load(
      'app: {name: demo, init_timeout_ms: 5000, closeTimeoutMs: 2000, log_level: warn}\n',
    );
    expect((await ok.result).app).toEqual({
      name: 'demo',
      env: 'dev',
      initTimeoutMs: 5000,
      closeTimeoutMs: 2000,
      logLevel: 'warn',
      metrics: true,
    });
    const bad = await load('app: {name: "", logLevel: loud, init_timeout_ms: 1.5}\n');
    expect(await configIssues(bad.result)).toMatchObject([
      { file: bad.file, path: 'app.name', got: '' },
      { file: bad.file, path: 'app.logLevel', got: 'loud' },
      { file: bad.file, path: 'app.init_timeout_ms', got: 1.5 },
    ]);
  });

  it('defaults the whole app: section', async () => {
    const { result } = await load('services: []\n');
    expect((await result).app).toEqual({
      name: 'app',
      env: 'dev',
      initTimeoutMs: 30_000,
      closeTimeoutMs: 10_000,
      logLevel: 'info',
      metrics: true,
    });
  });
});
