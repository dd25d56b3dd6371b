import type { ServiceRegistry } from '../services/service-registry.js';

/**
 * Imports one `packages:` entry. `fromFile` is the config file that listed it (relative
 * specifiers are relative to its directory). Resolves to the module namespace.
 */
export type ModuleImporter = (specifier: string, fromFile: string) => Promise<unknown>;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** `--var key=value` values, the highest template precedence (see `parseVarArgs`). */
  readonly vars?: Readonly<Record<string, string>>;
  /** Env files (`KEY=VALUE` lines), in order; a later file wins. */
  readonly envFiles?: readonly string[];
  /** The OS environment used for templates. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where `cls:` names are looked up and `keelServices` are registered. @default defaultRegistry */
  readonly registry?: ServiceRegistry;
  /** How `packages:` entries are imported. @default defaultImportModule */
  readonly importModule?: ModuleImporter;
}
