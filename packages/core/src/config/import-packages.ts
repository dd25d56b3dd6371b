import { dirname, resolve as resolvePath } from 'node:path';
import type { ConfigIssue } from '../errors/config-error.js';
import type { RegisteredServiceClass, ServiceRegistry } from '../services/service-registry.js';
import { formatPath, type PathSegment } from './config-path.js';
import { isFileSpecifier } from './default-import-module.js';
import type { ModuleImporter } from './load-config-options.js';

/** How `packages:` entries are imported and registered. */
export interface ImportPackagesContext {
  readonly importModule: ModuleImporter;
  readonly registry: ServiceRegistry;
  /** The config file that listed the entry at `packages[N]`. */
  readonly fileOf: (segments: readonly PathSegment[]) => string;
}

/**
 * Imports every `packages:` entry once, in order, and registers the service classes a module
 * exports as `keelServices` (a module may also register itself on import). Failures are issues
 * naming the entry. Returns the imported specifiers, file specifiers made absolute.
 */
export async function importPackages(
  entries: readonly unknown[],
  context: ImportPackagesContext,
  issues: ConfigIssue[],
): Promise<string[]> {
  const imported: string[] = [];
  for (const [index, specifier] of entries.entries()) {
    const segments = ['packages', index];
    const file = context.fileOf(segments);
    const where = { file, path: formatPath(segments) };
    if (typeof specifier !== 'string' || specifier === '') {
      issues.push({
        ...where,
        message: 'expected a module specifier',
        expected: 'a non-empty string',
        got: specifier,
      });
      continue;
    }
    const id = isFileSpecifier(specifier) ? resolvePath(dirname(resolvePath(file)), specifier) : specifier;
    if (imported.includes(id)) continue;
    let namespace: unknown;
    try {
      namespace = await context.importModule(specifier, file);
    } catch (error) {
      issues.push({ ...where, message: `cannot import "${specifier}": ${describeCause(error)}` });
      continue;
    }
    imported.push(id);
    for (const problem of registerServices(namespace, context.registry)) {
      issues.push({ ...where, message: `"${specifier}": ${problem}` });
    }
  }
  return imported;
}

/** Registers a module's `keelServices`; returns what went wrong, if anything. */
function registerServices(namespace: unknown, registry: ServiceRegistry): string[] {
  const classes =
    typeof namespace === 'object' && namespace !== null
      ? (namespace as { keelServices?: unknown }).keelServices
      : undefined;
  if (classes === undefined) return [];
  if (!Array.isArray(classes)) return ['"keelServices" must be a list of service classes'];
  const problems: string[] = [];
  for (const [index, cls] of classes.entries()) {
    if (typeof cls !== 'function') {
      problems.push(`keelServices[${index}] is not a class`);
      continue;
    }
    try {
      registry.register(cls as RegisteredServiceClass);
    } catch (error) {
      problems.push(describeCause(error));
    }
  }
  return problems;
}

function describeCause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? message;
}
