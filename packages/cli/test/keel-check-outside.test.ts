import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runKeel } from './run-keel.js';

/** True when `dir` or one of its ancestors has a node_modules folder. */
function hasNodeModulesAbove(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) return true;
    if (dirname(current) === current) return false;
  }
}

describe('keel check on a config outside the workspace', () => {
  let dir: string;
  let cwd: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-outside-'));
    cwd = join(dir, 'elsewhere');
    await mkdir(cwd);
    // The point of the test: nothing above the config file can resolve @keel/redis.
    expect(dir.startsWith(REPO_ROOT)).toBe(false);
    expect(hasNodeModulesAbove(dir)).toBe(false);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("imports @keel/redis from the CLI's own dependencies", async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'packages: ["@keel/redis"]\nservices:\n  - cls: RedisTransportServise\n  - RedisCache\n',
    );
    const { code, stderr } = await runKeel(['check', file], {}, cwd);
    expect(stderr).not.toContain('cannot import');
    expect(stderr).toMatch(/services\[0\]\.cls: .*did you mean "RedisTransportService"/);
    expect(code).toBe(1);
  });

  it('prints ok for a valid file', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, 'packages: ["@keel/redis"]\nservices: [RedisTransportService, RedisCache]\n');
    const { code, stdout, stderr } = await runKeel(['check', file], {}, cwd);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('ok');
    expect(code).toBe(0);
  });

  it('names every directory it looked in for a package that is nowhere', async () => {
    const file = join(dir, 'missing.yaml');
    await writeFile(file, 'packages: ["@keel/not-a-package"]\n');
    const { code, stderr } = await runKeel(['check', file], {}, cwd);
    expect(code).toBe(1);
    expect(stderr).toContain('packages[0]: cannot import "@keel/not-a-package": not found from');
    expect(stderr).toContain(`${dir} (the config file's directory)`);
    expect(stderr).toContain(`${cwd} (the working directory)`);
    expect(stderr).toContain(`${join(REPO_ROOT, 'packages', 'cli')} (the keel CLI's own dependencies)`);
    expect(stderr).toContain('npm install @keel/not-a-package');
  });

  it("hands over to the project's own @keel/cli when the working directory has one", async () => {
    const project = join(dir, 'project');
    const cli = join(project, 'node_modules', '@keel', 'cli');
    await mkdir(cli, { recursive: true });
    await writeFile(
      join(cli, 'package.json'),
      JSON.stringify({ name: '@keel/cli', version: '9.9.9', bin: { keel: './keel.js' } }),
    );
    await writeFile(join(cli, 'keel.js'), 'console.log("project keel:", process.argv.slice(2).join(" "));\n');
    const { code, stdout } = await runKeel(['check', 'app.yaml'], {}, join(project));
    expect(stdout.trim()).toBe('project keel: check app.yaml');
    expect(code).toBe(0);
  });
});
