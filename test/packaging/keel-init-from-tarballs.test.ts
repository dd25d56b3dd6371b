// The path a new user takes, from tarballs: pnpm pack, keel init outside the workspace, npm install, build, test, run.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mustRun, runCommand, userEnv } from './run-command.js';
import {
  packageFiles,
  PUBLISHED_DIRS,
  publishedPackage,
  type PublishedPackage,
  REPO_ROOT,
} from './published-packages.js';
import { tarballEntries, tarballFile, tarballManifest } from './tarball.js';

const packages: readonly PublishedPackage[] = PUBLISHED_DIRS.map(publishedPackage);
const byName = (name: string): PublishedPackage => {
  const found = packages.find((pkg) => pkg.name === name);
  if (found === undefined) throw new Error(`${name} is not a published package`);
  return found;
};

/** True when `dir` or one of its ancestors has a node_modules folder. */
function nodeModulesAbove(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) return join(current, 'node_modules');
    if (dirname(current) === current) return undefined;
  }
}

describe('Keel outside its own repo', () => {
  let root = '';
  let tarballs: string;
  let env: NodeJS.ProcessEnv;
  let app: ChildProcessWithoutNullStreams | undefined;
  const tarball = (name: string): string => join(tarballs, byName(name).tarball);
  // @keel/cli depends on @keel/dashboard (keel dashboard), which npm must find among the tarballs too.
  const keelTarballs = (): string[] =>
    ['@keel/core', '@keel/redis', '@keel/dashboard', '@keel/cli'].map(tarball);

  beforeAll(async () => {
    for (const pkg of packages) {
      if (!existsSync(join(REPO_ROOT, 'packages', pkg.dir, 'dist', 'index.js'))) {
        throw new Error(`packages/${pkg.dir}/dist is missing: run "pnpm build" first`);
      }
    }
    root = realpathSync(await mkdtemp(join(tmpdir(), 'keel-outside-')));
    tarballs = join(root, 'tarballs');
    // npm's cache lives in the temp dir too: nothing of this test stays behind.
    env = userEnv({ npm_config_cache: join(root, 'npm-cache'), npm_config_update_notifier: 'false' });
    for (const pkg of packages) {
      await mustRun(
        'pnpm',
        ['pack', '--pack-destination', tarballs],
        join(REPO_ROOT, 'packages', pkg.dir),
        env,
      );
    }
  }, 60_000);

  afterAll(async () => {
    app?.kill('SIGKILL');
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  it('runs in a directory with no Keel above it', () => {
    expect(root.startsWith(REPO_ROOT)).toBe(false);
    expect(nodeModulesAbove(root)).toBeUndefined();
  });

  it.each(PUBLISHED_DIRS)('packs %s with only what runs, its README and LICENSE', (dir) => {
    const pkg = publishedPackage(dir);
    const file = join(tarballs, pkg.tarball);
    const entries = tarballEntries(file);
    expect(entries).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']),
    );
    const outsideTemplates = entries.filter((entry) => !entry.startsWith('templates/'));
    expect(
      outsideTemplates.filter((entry) => /^src\/|(^|\/)test\/|\.test\.|\.d\.ts\.map$|tsconfig/.test(entry)),
    ).toEqual([]);
    // No stale output: every compiled file comes from a source that exists.
    const sources = new Set(packageFiles(dir, 'src', '.ts'));
    const stale = entries
      .filter((entry) => entry.startsWith('dist/') && entry.endsWith('.js'))
      .filter((entry) => !sources.has(entry.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')));
    expect(stale).toEqual([]);
    expect(tarballFile(file, 'LICENSE')).toBe(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8'));

    const manifest = tarballManifest(file);
    expect(JSON.stringify(manifest)).not.toMatch(/workspace:|"source"/);
    expect(manifest).toMatchObject({
      license: 'MIT',
      engines: { node: '>=20.11' },
      repository: { url: 'git+https://github.com/keel-dev/keel.git', directory: `packages/${dir}` },
    });
    expect(manifest['keywords']).toEqual(expect.arrayContaining(['keel']));
    const exports = manifest['exports'] as Record<string, Record<string, string>>;
    expect(Object.keys(exports['.'] ?? {})).toEqual(['types', 'import']);
    for (const [name, range] of Object.entries((manifest['dependencies'] ?? {}) as Record<string, string>)) {
      if (name.startsWith('@keel/')) expect(range, name).toBe(byName(name).version);
    }
  });

  it('packs the Lua scripts of @keel/redis, the project template of @keel/cli and the UI of @keel/dashboard', () => {
    const lua = packageFiles('redis', 'src', '.lua');
    expect(lua.length).toBeGreaterThan(3);
    expect(tarballEntries(tarball('@keel/redis'))).toEqual(
      expect.arrayContaining(lua.map((file) => file.replace(/^src\//, 'dist/'))),
    );
    const templates = packageFiles('cli', 'templates');
    expect(templates).toContain('templates/app/app.yaml');
    expect(tarballEntries(tarball('@keel/cli'))).toEqual(expect.arrayContaining(templates));
    // The dashboard's built UI and its replay script.
    expect(tarballEntries(tarball('@keel/dashboard'))).toEqual(
      expect.arrayContaining(['web/index.html', 'dist/data/dead-replay.lua']),
    );
  });

  it('keel init from the packed CLI writes the project; create-keel writes the same one', async () => {
    const tools = join(root, 'tools');
    await mkdir(tools);
    await writeFile(join(tools, 'package.json'), '{ "private": true }\n');
    await mustRun(
      'npm',
      ['install', '--no-audit', '--no-fund', ...keelTarballs(), tarball('create-keel')],
      tools,
      env,
    );
    const keel = join(tools, 'node_modules', '.bin', 'keel');

    const version = await mustRun(keel, ['--version'], root, env);
    expect(version.stdout.trim()).toBe(byName('@keel/cli').version);

    const init = await mustRun(keel, ['init', 'notes-app'], root, env);
    expect(init.stdout).toContain('app.yaml');
    const project = join(root, 'notes-app');
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    expect(manifest['dependencies']).toMatchObject(
      Object.fromEntries(
        ['@keel/cli', '@keel/core', '@keel/redis'].map((name) => [name, byName(name).version]),
      ),
    );

    const again = await runCommand(keel, ['init', 'notes-app'], root, env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty');
    await mustRun(keel, ['init', 'notes-app', '--force'], root, env);

    await mustRun(
      join(tools, 'node_modules', '.bin', 'create-keel'),
      ['notes-app-2', '--name', 'notes-app'],
      root,
      env,
    );
    const files = (await readdir(project, { recursive: true })).sort();
    expect((await readdir(join(root, 'notes-app-2'), { recursive: true })).sort()).toEqual(files);
    for (const file of files.filter((name) => name.includes('.'))) {
      expect(await readFile(join(root, 'notes-app-2', file), 'utf8'), file).toBe(
        await readFile(join(project, file), 'utf8'),
      );
    }
  }, 90_000);

  it('the project installs from the tarballs with npm, builds, type-checks and passes its own tests', async () => {
    const project = join(root, 'notes-app');
    await mustRun('npm', ['install', '--no-audit', '--no-fund', ...keelTarballs()], project, env);
    for (const name of ['@keel/core', '@keel/redis', '@keel/cli']) {
      const installed = realpathSync(join(project, 'node_modules', name));
      expect(installed.startsWith(project), `${name} is installed in the project, not linked`).toBe(true);
    }
    await mustRun('npm', ['run', 'build'], project, env);
    // The typia transform ran: the validators are generated code, not calls that throw at run time.
    expect(await readFile(join(project, 'dist', 'note.js'), 'utf8')).not.toContain('typia.createValidate(');
    await mustRun('npm', ['run', 'typecheck'], project, env);
    const check = await mustRun(
      join(project, 'node_modules', '.bin', 'keel'),
      ['check', 'app.yaml'],
      project,
      env,
    );
    expect(check.stdout.trim()).toBe('ok');
    // Another copy of the CLI (as a global install would be) hands over to the project's own.
    const other = await mustRun(
      join(root, 'tools', 'node_modules', '.bin', 'keel'),
      ['check', 'app.yaml'],
      project,
      env,
    );
    expect(other.stdout.trim()).toBe('ok');
    const tests = await mustRun('npm', ['test'], project, env);
    expect(stripVTControlCharacters(tests.stdout)).toMatch(/Tests\s+4 passed \(4\)/);
  }, 170_000);

  it('its app starts against an embedded Redis and its route answers a call', async () => {
    const project = join(root, 'notes-app');
    const child = spawn(
      join(project, 'node_modules', '.bin', 'keel'),
      ['run', 'app.yaml', '--embedded-redis', '--log-format', 'json'],
      { cwd: project, env },
    );
    app = child;
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const running = new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const port = /embedded redis-server started on 127\.0\.0\.1:(\d+)/.exec(output)?.[1];
        if (port !== undefined && output.includes('running; send SIGINT or SIGTERM')) resolve(port);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      void exited.then((code) => {
        reject(new Error(`keel run exited with ${code}:\n${output}`));
      });
    });
    const port = await running;

    const call = await mustRun('node', ['dist/call.js', 'buy', 'milk'], project, {
      ...env,
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    const answer = (method: string): Record<string, unknown> => {
      const line = call.stdout.split('\n').find((text) => text.startsWith(`${method} -> `));
      return JSON.parse(line?.slice(method.length + 4) ?? 'null') as Record<string, unknown>;
    };
    expect(answer('notes.add')).toMatchObject({ text: 'buy milk', id: expect.any(String) });
    expect(answer('notes.get')).toEqual(answer('notes.add'));

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    app = undefined;
    expect(output).toContain('embedded redis-server stopped');
  }, 60_000);
});
