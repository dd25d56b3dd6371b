// Finds the project's own @keel/cli, so that a global `keel` hands over to the copy the project pins.
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI_PACKAGE_ROOT } from './package-info.js';

/**
 * The URL of the `keel` binary of the @keel/cli that `cwd` resolves, when that is another copy
 * than this one (a global `keel` run inside a project that has its own); otherwise undefined.
 */
export function projectCliBin(cwd: string): string | undefined {
  let manifestFile: string;
  try {
    manifestFile = createRequire(join(cwd, 'noop.js')).resolve('@keel/cli/package.json');
  } catch {
    return undefined;
  }
  const dir = realpathSync(dirname(manifestFile));
  if (dir === realpathSync(CLI_PACKAGE_ROOT)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { bin?: Record<string, string> };
  const bin = manifest.bin?.['keel'];
  return bin === undefined ? undefined : pathToFileURL(join(dir, bin)).href;
}
