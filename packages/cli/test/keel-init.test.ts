import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, packageNameFor } from '../src/init/init-project.js';
import { REPO_ROOT, runKeel } from './run-keel.js';

const manifest = async (dir: string): Promise<Record<string, Record<string, string>>> =>
  JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;

describe('keel init', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-init-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the project, depending on the Keel packages at the versions the CLI runs with', async () => {
    const { code, stdout } = await runKeel(['init', 'shop'], {}, dir);
    expect(code).toBe(0);
    const project = join(dir, 'shop');
    for (const file of [
      'app.yaml',
      'src/notes.ts',
      'src/client.ts',
      'test/notes.test.ts',
      '.gitignore',
      'README.md',
    ]) {
      expect(existsSync(join(project, file)), file).toBe(true);
      expect(stdout).toContain(file);
    }
    expect(stdout).toMatch(/cd shop\n\s+npm install\n\s+npm test\n\s+npm start/);
    const written = await manifest(project);
    expect(written['name']).toBe('shop');
    for (const pkg of ['cli', 'core', 'redis']) {
      const own = await manifest(join(REPO_ROOT, 'packages', pkg));
      expect(written['dependencies']?.[`@keel/${pkg}`]).toBe(own['version']);
    }
    const core = await manifest(join(REPO_ROOT, 'packages', 'core'));
    expect(written['dependencies']?.['typia']).toBe(core['dependencies']?.['typia']);
    expect(await readFile(join(project, 'README.md'), 'utf8')).toMatch(/^# shop\n/);
  });

  it('refuses a non-empty directory unless --force, and then keeps the files the template lacks', async () => {
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await writeFile(join(dir, 'app.yaml'), 'mine');
    const refused = await runKeel(['init', dir], {}, dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${dir} is not empty`);
    expect(refused.stderr).toContain('--force');
    expect(await readFile(join(dir, 'app.yaml'), 'utf8')).toBe('mine');

    const forced = await runKeel(['init', '--force', '--name', 'forced'], {}, dir);
    expect(forced.code).toBe(0);
    expect(await readFile(join(dir, 'app.yaml'), 'utf8')).toContain('RedisListener');
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect((await manifest(dir))['name']).toBe('forced');
  });

  it('refuses a path that is a file', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    await expect(initProject({ dir: file })).rejects.toMatchObject({ code: 'INIT_NOT_A_DIRECTORY' });
    await expect(initProject({ dir: file, force: true })).rejects.toMatchObject({
      code: 'INIT_NOT_A_DIRECTORY',
    });
  });

  it('creates missing parent directories', async () => {
    const result = await initProject({ dir: join(dir, 'a', 'b', 'My App') });
    expect(result.name).toBe('my-app');
    expect(existsSync(join(dir, 'a', 'b', 'My App', 'package.json'))).toBe(true);
  });

  it('makes a valid npm name from a directory name', () => {
    expect(packageNameFor('/x/My Cool_App!')).toBe('my-cool_app');
    expect(packageNameFor('/x/.hidden')).toBe('hidden');
    expect(packageNameFor('/x/___')).toBe('keel-app');
  });
});

describe('keel --version', () => {
  it('prints the @keel/cli version', async () => {
    const own = await manifest(join(REPO_ROOT, 'packages', 'cli'));
    const { code, stdout } = await runKeel(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(own['version']);
  });
});

describe('create-keel', () => {
  it('is keel init under another name', async () => {
    const bin = join(REPO_ROOT, 'packages', 'create-keel', 'dist', 'bin', 'create-keel.js');
    const dir = await mkdtemp(join(tmpdir(), 'create-keel-'));
    try {
      await mkdir(join(dir, 'taken'));
      await writeFile(join(dir, 'taken', 'x'), '');
      const created = await run(process.execPath, [bin, 'new'], dir);
      expect(created.code).toBe(0);
      expect(existsSync(join(dir, 'new', 'app.yaml'))).toBe(true);
      const refused = await run(process.execPath, [bin, 'taken'], dir);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('is not empty');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stderr });
    });
  });
}
