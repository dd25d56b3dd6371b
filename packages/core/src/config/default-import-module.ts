import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'import-meta-resolve';
import { KeelError } from '../errors/keel-error.js';
import type { ModuleImporter } from './load-config-options.js';

/** True for `./x.js`, `../x.js` and absolute paths: specifiers that name a file. */
export function isFileSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || isAbsolute(specifier);
}

/** A directory a bare `packages:` specifier is resolved from, with what it is (for errors). */
export interface ModuleSearchPlace {
  readonly dir: string;
  /** What the directory is, e.g. `the keel CLI's own dependencies`. */
  readonly label: string;
}

/** Options of {@link createModuleImporter}. */
export interface ModuleImporterOptions {
  /** The working directory, tried after the config file's directory. @default process.cwd() */
  readonly cwd?: string;
  /** Further directories tried after the working directory, in order. @default [] */
  readonly fallbacks?: readonly ModuleSearchPlace[];
}

/** Where @keel/core itself is installed: the last place a bare specifier is looked for. */
const CORE_PLACE: ModuleSearchPlace = {
  dir: fileURLToPath(new URL('../../', import.meta.url)),
  label: "@keel/core's own location",
};
const CORE_DIR = realpathSync(CORE_PLACE.dir);

/**
 * Makes a `packages:` importer. A file specifier (`./services.js`) is resolved against the
 * directory of the config file that lists it. A bare specifier (`@keel/redis`) is resolved, with
 * Node's ESM rules, from the config file's directory, then the working directory, then each of
 * `fallbacks`, then where @keel/core is installed; the first that finds it wins. When none does,
 * it fails with `CONFIG_PACKAGE_NOT_FOUND` naming every directory it looked in. A module that
 * would use another copy of @keel/core than this one is refused (`CONFIG_KEEL_COPY_MISMATCH`):
 * its services could not work with the app this copy builds.
 */
export function createModuleImporter(options: ModuleImporterOptions = {}): ModuleImporter {
  return async function importModule(specifier: string, fromFile: string): Promise<unknown> {
    if (isFileSpecifier(specifier)) {
      const url = pathToFileURL(resolvePath(dirname(resolvePath(fromFile)), specifier)).href;
      assertSameCore(specifier, url);
      return import(url);
    }
    const places = searchPlaces(fromFile, options);
    for (const place of places) {
      const url = resolveFrom(specifier, place.dir);
      if (url === undefined) continue;
      assertSameCore(specifier, url);
      return import(url);
    }
    throw packageNotFound(specifier, places);
  };
}

/**
 * The default `packages:` importer: {@link createModuleImporter} with the process's working
 * directory and no further fallbacks.
 */
export const defaultImportModule: ModuleImporter = createModuleImporter();

/** The distinct directories to search, in order. */
function searchPlaces(fromFile: string, options: ModuleImporterOptions): ModuleSearchPlace[] {
  const candidates: ModuleSearchPlace[] = [
    { dir: dirname(resolvePath(fromFile)), label: "the config file's directory" },
    { dir: resolvePath(options.cwd ?? process.cwd()), label: 'the working directory' },
    ...(options.fallbacks ?? []).map((place) => ({ ...place, dir: resolvePath(place.dir) })),
    CORE_PLACE,
  ];
  const places: ModuleSearchPlace[] = [];
  for (const place of candidates) {
    const dir = resolvePath(place.dir);
    if (!places.some((seen) => seen.dir === dir)) places.push({ dir, label: place.label });
  }
  return places;
}

/** The URL `specifier` resolves to from `dir` (and its ancestors' node_modules), if found. */
function resolveFrom(specifier: string, dir: string): string | undefined {
  try {
    return resolve(specifier, pathToFileURL(`${dir}/`).href);
  } catch (error) {
    // Not installed there: try the next place. A package that is found but broken (a missing
    // main file, ERR_PACKAGE_PATH_NOT_EXPORTED) is reported as it is.
    if (error instanceof Error && (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') {
      if (error.message.startsWith('Cannot find package')) return undefined;
    }
    throw error;
  }
}

/**
 * Throws when `@keel/core`, resolved from the module at `url`, is another installed copy than
 * this one (e.g. a global `keel` loading a project's own packages). A module that cannot resolve
 * @keel/core at all does not use it and passes.
 */
function assertSameCore(specifier: string, url: string): void {
  let theirs: string;
  try {
    theirs = realpathSync(dirname(fileURLToPath(resolve('@keel/core/package.json', url))));
  } catch {
    return;
  }
  if (theirs === CORE_DIR) return;
  throw new KeelError(
    'CONFIG_KEEL_COPY_MISMATCH',
    `it uses @keel/core at ${theirs}, but the config is loaded by @keel/core at ${CORE_DIR}; ` +
      "services of two copies of Keel cannot work together: run the project's own keel " +
      '(npx keel), or install the packages together so they share one @keel/core',
    { details: { specifier, theirs, ours: CORE_DIR } },
  );
}

function packageNotFound(specifier: string, places: readonly ModuleSearchPlace[]): KeelError {
  const looked = places.map((place) => `${place.dir} (${place.label})`).join(', ');
  return new KeelError(
    'CONFIG_PACKAGE_NOT_FOUND',
    `not found from ${looked}; install it in the project (npm install ${packageName(specifier)})`,
    { details: { specifier, searched: places.map((place) => place.dir) } },
  );
}

/** `@scope/name` or `name`, without a subpath. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}
