import type { ConfigDocument } from './check-top-level.js';
import { ConfigOrigins } from './config-origins.js';
import type { PathSegment } from './config-path.js';
import { isPlainObject, type PlainObject } from './plain-object.js';

/** One parsed and checked config file. */
export interface FileDocument {
  readonly file: string;
  readonly document: ConfigDocument;
}

/** Several config files merged into one, with the file each part came from. */
export interface MergedConfig {
  readonly packages: readonly unknown[];
  readonly app: PlainObject;
  readonly services: readonly unknown[];
  readonly vars: PlainObject;
  readonly origins: ConfigOrigins;
}

/**
 * Merges config files in order: maps deep-merge (a later file wins per key), `packages` and
 * `services` concatenate, any other list or value replaces the earlier one. `services[N]` and
 * `packages[N]` are indexes into the merged lists.
 */
export function mergeConfigs(documents: readonly FileDocument[]): MergedConfig {
  const origins = new ConfigOrigins(documents.at(-1)?.file ?? '');
  const packages: unknown[] = [];
  const services: unknown[] = [];
  const app: PlainObject = {};
  const vars: PlainObject = {};
  for (const { file, document } of documents) {
    for (const entry of document.packages ?? []) {
      origins.set(['packages', packages.length], file);
      packages.push(entry);
    }
    for (const entry of document.services ?? []) {
      origins.set(['services', services.length], file);
      services.push(entry);
    }
    if (document.app !== undefined) deepMerge(app, document.app, ['app'], file, origins);
    if (document.vars !== undefined) deepMerge(vars, document.vars, ['vars'], file, origins);
  }
  return { packages, app, services, vars, origins };
}

function deepMerge(
  target: PlainObject,
  source: PlainObject,
  segments: readonly PathSegment[],
  file: string,
  origins: ConfigOrigins,
): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    const path = [...segments, key];
    if (isPlainObject(existing) && isPlainObject(value)) {
      deepMerge(existing, value, path, file, origins);
    } else {
      target[key] = value;
      origins.set(path, file);
    }
  }
}
