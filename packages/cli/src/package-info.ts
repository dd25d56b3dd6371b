// The CLI's own package: its root directory, its version, and the versions of the packages it runs with.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The @keel/cli package directory (the same from `src/` and from `dist/`). */
export const CLI_PACKAGE_ROOT: string = fileURLToPath(new URL('../', import.meta.url));

/** The fields of a package.json the CLI reads. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** The CLI's own package.json. */
export function cliManifest(): PackageManifest {
  return readManifest(fileURLToPath(new URL('../package.json', import.meta.url)));
}

/** The package.json of `name` as the CLI resolves it (the copy the CLI itself runs with). */
export function installedManifest(name: string): PackageManifest {
  const require = createRequire(import.meta.url);
  return readManifest(require.resolve(`${name}/package.json`));
}

function readManifest(file: string): PackageManifest {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PackageManifest>;
  if (typeof parsed.name !== 'string' || typeof parsed.version !== 'string') {
    throw new Error(`${file} has no name or version`);
  }
  return parsed as PackageManifest;
}
