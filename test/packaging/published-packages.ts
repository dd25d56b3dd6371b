// The workspace packages that are published, where they live, and the tarball `pnpm pack` makes of each.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/** A published package of the workspace. */
export interface PublishedPackage {
  /** Its directory under packages/. */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  /** The file name `pnpm pack` gives its tarball (`@keel/core` → `keel-core-0.1.0.tgz`). */
  readonly tarball: string;
}

/** Every package a user installs: the @keel packages and create-keel. */
export const PUBLISHED_DIRS = ['core', 'redis', 'amqp', 'dashboard', 'cli', 'create-keel'] as const;

export function publishedPackage(dir: string): PublishedPackage {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', dir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    private?: boolean;
  };
  if (manifest.private === true) throw new Error(`packages/${dir} is private`);
  const tarball = `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
  return { dir, name: manifest.name, version: manifest.version, tarball };
}

/**
 * Files under `packages/<dir>/<sub>` ending with `suffix`, relative to the package directory
 * (node_modules and dist folders skipped).
 */
export function packageFiles(dir: string, sub: string, suffix = ''): string[] {
  const base = join(REPO_ROOT, 'packages', dir);
  const files: string[] = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) {
        if (name !== 'node_modules' && name !== 'dist') walk(child);
      } else if (child.endsWith(suffix)) files.push(relative(base, child));
    }
  };
  if (existsSync(join(base, sub))) walk(join(base, sub));
  return files.sort();
}
