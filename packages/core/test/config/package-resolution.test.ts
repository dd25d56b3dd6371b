import { realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModuleImporter } from '../../src/config/default-import-module.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ServiceRegistry } from '../../src/services/service-registry.js';
import { configIssues } from './helpers/config-issues.js';
import { tempFiles, type TempFiles } from './helpers/temp-files.js';

/** Installs a package `name` under `dir/node_modules` whose only service class is `className`. */
async function installPackage(dir: string, name: string, className: string): Promise<void> {
  const pkg = join(dir, 'node_modules', ...name.split('/'));
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name, type: 'module', exports: './index.js' }));
  await writeFile(join(pkg, 'index.js'), `export const keelServices = [class ${className} {}];\n`);
}

describe('packages: bare specifiers are resolved', () => {
  let files: TempFiles;
  let configDir: string;
  let cwd: string;
  let cliDir: string;
  beforeEach(async () => {
    files = await tempFiles();
    configDir = join(files.dir, 'project', 'config');
    cwd = join(files.dir, 'cwd');
    cliDir = join(files.dir, 'cli');
    for (const dir of [configDir, cwd, cliDir]) await mkdir(dir, { recursive: true });
  });
  afterEach(async () => {
    await files.remove();
  });

  async function registeredFrom(fallbacks = [{ dir: cliDir, label: 'the CLI' }]): Promise<string[]> {
    const file = join(configDir, 'app.yaml');
    await writeFile(file, 'packages: ["@acme/plugin"]\n');
    const registry = new ServiceRegistry();
    await loadConfig([file], { registry, env: {}, importModule: createModuleImporter({ cwd, fallbacks }) });
    return registry.names();
  }

  it("from the config file's directory (and its ancestors) first", async () => {
    await installPackage(join(files.dir, 'project'), '@acme/plugin', 'FromConfigDir');
    await installPackage(cwd, '@acme/plugin', 'FromCwd');
    await installPackage(cliDir, '@acme/plugin', 'FromCli');
    expect(await registeredFrom()).toEqual(['FromConfigDir']);
  });

  it('then from the working directory', async () => {
    await installPackage(cwd, '@acme/plugin', 'FromCwd');
    await installPackage(cliDir, '@acme/plugin', 'FromCli');
    expect(await registeredFrom()).toEqual(['FromCwd']);
  });

  it("then from the fallbacks (the CLI's own dependencies)", async () => {
    await installPackage(cliDir, '@acme/plugin', 'FromCli');
    expect(await registeredFrom()).toEqual(['FromCli']);
  });

  it('and says where it looked when no place has it', async () => {
    const file = join(configDir, 'app.yaml');
    await writeFile(file, 'packages: ["@acme/plugin/sub"]\n');
    const importModule = createModuleImporter({ cwd, fallbacks: [{ dir: cliDir, label: 'the CLI' }] });
    const issues = await configIssues(
      loadConfig([file], { registry: new ServiceRegistry(), env: {}, importModule }),
    );
    expect(issues).toHaveLength(1);
    const message = issues[0]?.message ?? '';
    expect(message).toContain('cannot import "@acme/plugin/sub": not found from ');
    expect(message).toContain(`${configDir} (the config file's directory)`);
    expect(message).toContain(`${cwd} (the working directory)`);
    expect(message).toContain(`${cliDir} (the CLI)`);
    expect(message).toContain("(@keel/core's own location)");
    expect(message).toContain('npm install @acme/plugin)');
    // The places are listed in the order they were tried.
    expect(message.indexOf(configDir)).toBeLessThan(message.indexOf(cwd));
    expect(message.indexOf(cwd)).toBeLessThan(message.indexOf(cliDir));
  });

  it('reports a package that is found but broken instead of looking further', async () => {
    const pkg = join(configDir, 'node_modules', 'broken-plugin');
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'broken-plugin', exports: './missing.js' }),
    );
    await installPackage(cliDir, 'broken-plugin', 'FromCli');
    const file = join(configDir, 'app.yaml');
    await writeFile(file, 'packages: [broken-plugin]\n');
    const importModule = createModuleImporter({ cwd, fallbacks: [{ dir: cliDir, label: 'the CLI' }] });
    const issues = await configIssues(
      loadConfig([file], { registry: new ServiceRegistry(), env: {}, importModule }),
    );
    expect(issues[0]?.message).toMatch(/^cannot import "broken-plugin": Cannot find module .*missing\.js/);
  });

  it('refuses a package that would use another copy of @keel/core', async () => {
    await installPackage(configDir, '@acme/plugin', 'FromConfigDir');
    const otherCore = join(configDir, 'node_modules', '@keel', 'core');
    await mkdir(otherCore, { recursive: true });
    await writeFile(
      join(otherCore, 'package.json'),
      JSON.stringify({ name: '@keel/core', version: '0.0.1' }),
    );
    const file = join(configDir, 'app.yaml');
    await writeFile(file, 'packages: ["@acme/plugin"]\n');
    const registry = new ServiceRegistry();
    const issues = await configIssues(
      loadConfig([file], { registry, env: {}, importModule: createModuleImporter({ cwd }) }),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain(
      `cannot import "@acme/plugin": it uses @keel/core at ${realpathSync(otherCore)}`,
    );
    expect(issues[0]?.message).toContain('npx keel');
    expect(registry.names()).toEqual([]);
  });
});
