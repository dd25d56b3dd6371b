import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ServiceRegistry } from '../../src/services/service-registry.js';
import { configIssues } from './helpers/config-issues.js';
import { RedisCache, RedisTransportService } from './helpers/fake-services.js';
import { tempFiles, type TempFiles } from './helpers/temp-files.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url));

describe('packages:', () => {
  it('imports a local module relative to the config file and registers its keelServices', async () => {
    const registry = new ServiceRegistry();
    const config = await loadConfig([fixture('app.yaml')], { registry, env: {} });
    expect(config.packages).toEqual([fixture('services.js')]);
    expect(registry.names()).toEqual(['HeartbeatService']);
    expect(config.services[0]).toMatchObject({ cls: 'HeartbeatService', settings: { intervalMs: 250 } });
  });

  it('imports a module once even when two files list it, before validating services', async () => {
    const calls: [string, string][] = [];
    const registry = new ServiceRegistry();
    const importModule = (specifier: string, fromFile: string): Promise<unknown> => {
      calls.push([specifier, fromFile]);
      return Promise.resolve({ keelServices: [RedisTransportService, RedisCache] });
    };
    const files = await tempFiles();
    try {
      const a = await files.write('a.yaml', 'packages: ["@acme/plugin"]\nservices: [RedisCache]\n');
      const b = await files.write('b.yaml', 'packages: ["@acme/plugin", "[extra:@acme/plugin]"]\n');
      const config = await loadConfig([a, b], { registry, env: {}, importModule });
      expect(calls).toEqual([['@acme/plugin', a]]);
      expect(config.packages).toEqual(['@acme/plugin']);
      expect(config.services.map((service) => service.cls)).toEqual(['RedisCache']);
    } finally {
      await files.remove();
    }
  });

  describe('failures', () => {
    let files: TempFiles;
    beforeEach(async () => {
      files = await tempFiles();
    });
    afterEach(async () => {
      await files.remove();
    });

    it('names the entry and the cause of an import failure, and keeps checking', async () => {
      const file = await files.write(
        'app.yaml',
        'packages: ["./missing.js", "@keel/no-such-package", 3]\nservices: [{cls: Nope}]\n',
      );
      const issues = await configIssues(loadConfig([file], { registry: new ServiceRegistry(), env: {} }));
      expect(issues.map((issue) => [issue.file, issue.path])).toEqual([
        [file, 'packages[0]'],
        [file, 'packages[1]'],
        [file, 'packages[2]'],
        [file, 'services[0].cls'],
      ]);
      expect(issues[0]?.message).toMatch(/^cannot import "\.\/missing\.js": /);
      expect(issues[1]?.message).toMatch(/^cannot import "@keel\/no-such-package": .*no-such-package/);
      expect(issues[2]).toMatchObject({ message: 'expected a module specifier', got: 3 });
    });

    it('resolves a bare specifier from the config file directory', async () => {
      const pkg = join(files.dir, 'node_modules', 'keel-temp-plugin');
      await mkdir(pkg, { recursive: true });
      await writeFile(
        join(pkg, 'package.json'),
        JSON.stringify({ name: 'keel-temp-plugin', type: 'module', exports: './index.js' }),
      );
      await writeFile(join(pkg, 'index.js'), 'export const keelServices = [class TempPluginService {}];\n');
      const file = await files.write('app.yaml', 'packages: [keel-temp-plugin]\n');
      const registry = new ServiceRegistry();
      const config = await loadConfig([file], { registry, env: {} });
      expect(config.packages).toEqual(['keel-temp-plugin']);
      expect(registry.names()).toEqual(['TempPluginService']);
    });

    it('reports a keelServices export that is not a list of classes, and class name conflicts', async () => {
      const file = await files.write('app.yaml', 'packages: [bad-export, conflicting]\n');
      const registry = new ServiceRegistry();
      registry.registerAs('RedisCache', RedisTransportService);
      const modules: Record<string, unknown> = {
        'bad-export': { keelServices: 'RedisCache' },
        conflicting: { keelServices: [RedisCache, 42] },
      };
      const issues = await configIssues(
        loadConfig([file], {
          registry,
          env: {},
          importModule: (specifier) => Promise.resolve(modules[specifier]),
        }),
      );
      expect(issues).toEqual([
        {
          file,
          path: 'packages[0]',
          message: '"bad-export": "keelServices" must be a list of service classes',
        },
        {
          file,
          path: 'packages[1]',
          message: '"conflicting": Two different classes are registered as "RedisCache"',
        },
        { file, path: 'packages[1]', message: '"conflicting": keelServices[1] is not a class' },
      ]);
    });
  });
});
