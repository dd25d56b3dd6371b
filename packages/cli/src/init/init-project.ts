// `keel init`: writes a new Keel project from the templates shipped in this package.
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeelError } from '@keel/core';
import { projectManifest } from './project-manifest.js';

/** The template project (`templates/app` of @keel/cli, the same from `src/` and `dist/`). */
export const PROJECT_TEMPLATE_DIR: string = fileURLToPath(new URL('../../templates/app/', import.meta.url));

/** Template files stored under another name: npm would drop or honour a real `.gitignore`. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/** Directories of the template folder that are never copied. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', 'dist']);

/** Files whose `{{name}}` is replaced by the project name. */
const NAME_PLACEHOLDER = '{{name}}';
const TEXT_WITH_NAME = /\.md$/;

/** Options of {@link initProject}. */
export interface InitProjectOptions {
  /** The project directory; created when missing. */
  readonly dir: string;
  /** Write into a non-empty directory, overwriting the files the template has (others are kept). */
  readonly force?: boolean;
  /** The package name; default: the directory's name, made a valid npm name. */
  readonly name?: string;
}

/** What {@link initProject} wrote. */
export interface InitProjectResult {
  /** The project directory, absolute. */
  readonly dir: string;
  readonly name: string;
  /** Files written, relative to `dir`, sorted. */
  readonly files: readonly string[];
}

/**
 * Writes a new project into `dir`: package.json (depending on the Keel packages at the versions
 * this CLI runs with), tsconfig with the typia transform, app.yaml, a service, a client, a
 * vitest test and a README. Refuses a non-empty directory (`INIT_DIR_NOT_EMPTY`) unless `force`.
 */
export async function initProject(options: InitProjectOptions): Promise<InitProjectResult> {
  const dir = resolve(options.dir);
  await checkTarget(dir, options.force === true);
  const name = options.name ?? packageNameFor(dir);
  const files: string[] = [];
  for (const source of await listFiles(PROJECT_TEMPLATE_DIR)) {
    const relativePath = relative(PROJECT_TEMPLATE_DIR, source);
    const target = join(
      dir,
      dirname(relativePath),
      RENAMED[basename(relativePath)] ?? basename(relativePath),
    );
    await mkdir(dirname(target), { recursive: true });
    if (TEXT_WITH_NAME.test(source)) {
      await writeFile(target, (await readFile(source, 'utf8')).replaceAll(NAME_PLACEHOLDER, name));
    } else {
      await copyFile(source, target);
    }
    files.push(relative(dir, target));
  }
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(projectManifest(name), null, 2)}\n`);
  files.push('package.json');
  return { dir, name, files: files.sort() };
}

/** A valid npm package name from a directory name (`My App` → `my-app`). */
export function packageNameFor(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name === '' ? 'keel-app' : name;
}

async function checkTarget(dir: string, force: boolean): Promise<void> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new KeelError('INIT_NOT_A_DIRECTORY', `${dir} exists and is not a directory`, {
        details: { dir },
      });
    }
    entries = await readdir(dir);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return;
    throw error;
  }
  if (entries.length > 0 && !force) {
    throw new KeelError(
      'INIT_DIR_NOT_EMPTY',
      `${dir} is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}); ` +
        'choose an empty or new directory, or pass --force to overwrite the files the template writes',
      { details: { dir, entries: entries.slice(0, 10) } },
    );
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // Left behind by trying the template in place; not part of it.
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...(await listFiles(path)));
    } else if (entry.isFile()) files.push(path);
  }
  return files;
}
