import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve } from 'import-meta-resolve';

/** True for `./x.js`, `../x.js` and absolute paths: specifiers that name a file. */
export function isFileSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || isAbsolute(specifier);
}

/**
 * The default `packages:` importer. A file specifier (`./services.js`) is resolved against the
 * directory of the config file that lists it. A bare specifier (`@keel/redis`) is imported
 * as usual and, when Node cannot find it from here, resolved from the config file's directory
 * (so packages installed next to the config are found).
 */
export async function defaultImportModule(specifier: string, fromFile: string): Promise<unknown> {
  if (isFileSpecifier(specifier)) {
    return import(pathToFileURL(resolvePath(dirname(resolvePath(fromFile)), specifier)).href);
  }
  try {
    return await import(specifier);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    let url: string;
    try {
      url = resolve(specifier, pathToFileURL(resolvePath(fromFile)).href);
    } catch {
      throw error;
    }
    return import(url);
  }
}
