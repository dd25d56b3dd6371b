import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { defaultRegistry } from '../services/service-registry.js';
import type { AppConfig } from './app-config.js';
import { checkTopLevel } from './check-top-level.js';
import { isPathWithin, type PathSegment } from './config-path.js';
import { readEnvFiles } from './env-file.js';
import { defaultImportModule } from './default-import-module.js';
import { importPackages } from './import-packages.js';
import { loadAppSection } from './load-app-section.js';
import type { LoadConfigOptions } from './load-config-options.js';
import { loadServiceEntry, type ServiceEntryDraft } from './load-service-entry.js';
import { mergeConfigs, type FileDocument } from './merge-configs.js';
import { FILE_PATH } from './parse-yaml.js';
import { isPlainObject, type PlainObject } from './plain-object.js';
import { readYaml } from './read-yaml.js';
import { resolveServiceNames } from './resolve-service-names.js';
import { TemplateResolver } from './resolve-templates.js';

/**
 * Loads a configuration from one or more YAML files (merged in order), resolves templates,
 * imports `packages:`, and validates the `app:` section and every service entry with its
 * settings. Nothing is started.
 *
 * @throws ConfigError with every problem of every file, when there is any.
 */
export async function loadConfig(
  files: readonly string[],
  options: LoadConfigOptions = {},
): Promise<AppConfig> {
  if (files.length === 0) {
    throw new ConfigError([{ path: FILE_PATH, message: 'no configuration file given' }]);
  }
  const fileIssues: ConfigIssue[] = [];
  const documents: FileDocument[] = [];
  for (const file of files) {
    const parsed = await readYaml(file);
    fileIssues.push(...parsed.issues);
    if (parsed.document !== undefined) {
      documents.push({ file, document: checkTopLevel(parsed.document, file, fileIssues) });
    }
  }
  return loadDocuments(documents, fileIssues, options);
}

/** Options of {@link configFromObject}. */
export interface ConfigFromObjectOptions extends LoadConfigOptions {
  /** The name issues are reported under, in place of a file name. @default '<object>' */
  readonly source?: string;
}

/**
 * Loads a configuration written as a plain object of the YAML file's shape (`app`, `services`,
 * `vars`, `packages`), with everything {@link loadConfig} does to a file: templates, package
 * imports, settings validated with their defaults applied. For apps built in code — scripts,
 * tests, benchmarks:
 *
 * ```ts
 * const app = new App(await configFromObject({
 *   packages: ['@keel/redis'],
 *   app: { name: 'worker', env: 'dev' },
 *   services: [{ cls: 'RedisTransportService', settings: { host: 'localhost' } }, { cls: 'RedisCache' }],
 * }));
 * ```
 *
 * @throws ConfigError with every problem, when there is any.
 */
export async function configFromObject(
  document: Readonly<Record<string, unknown>>,
  options: ConfigFromObjectOptions = {},
): Promise<AppConfig> {
  const file = options.source ?? '<object>';
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(document)) {
    throw new ConfigError([{ file, path: '', message: 'a configuration must be a plain object' }]);
  }
  return loadDocuments([{ file, document: checkTopLevel(document, file, issues) }], issues, options);
}

/** Merges checked documents, resolves templates, imports packages and validates the result. */
async function loadDocuments(
  documents: readonly FileDocument[],
  fileIssues: ConfigIssue[],
  options: LoadConfigOptions,
): Promise<AppConfig> {
  const registry = options.registry ?? defaultRegistry;
  const merged = mergeConfigs(documents);
  const fileOf = (segments: readonly PathSegment[]): string => merged.origins.fileOf(segments);

  // Template values, highest precedence first: --var, OS environment, env files (last first), vars:.
  const envLayers = await readEnvFiles(options.envFiles ?? [], fileIssues);
  const cliVars = options.vars ?? {};
  const resolver = new TemplateResolver(
    [cliVars, options.env ?? process.env, ...[...envLayers].reverse(), merged.vars],
    [...new Set([cliVars, ...envLayers, merged.vars].flatMap((layer) => Object.keys(layer)))],
  );
  const templateIssues: ConfigIssue[] = [];
  const app = resolver.resolve(merged.app, ['app'], fileOf, templateIssues) as PlainObject;
  const checkIssues: ConfigIssue[] = [];
  const appSection = loadAppSection(app, { fileOf, texts: resolver.texts }, checkIssues);
  // kaiju's built-ins: `[main_name]` and `[main_env]` are the app's name and env unless set.
  resolver.addFallbackLayer({ main_name: appSection.name, main_env: appSection.env });
  const packages = resolver.resolve(merged.packages, ['packages'], fileOf, templateIssues) as unknown[];
  const services = resolver.resolve(merged.services, ['services'], fileOf, templateIssues) as unknown[];

  const imported = await importPackages(
    packages,
    { importModule: options.importModule ?? defaultImportModule, registry, fileOf },
    checkIssues,
  );
  const drafts = services
    .map((raw, index) =>
      loadServiceEntry(raw, index, { fileOf, texts: resolver.texts, registry }, checkIssues),
    )
    .filter((draft): draft is ServiceEntryDraft => draft !== undefined);
  const serviceConfigs = resolveServiceNames(drafts, checkIssues);

  // A value whose template failed would also fail validation: report the template only.
  const unresolved = [...resolver.unresolved];
  const issues = [
    ...fileIssues,
    ...templateIssues,
    ...checkIssues.filter((issue) => !unresolved.some((path) => isPathWithin(issue.path, path))),
  ];
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    packages: imported,
    app: appSection,
    services: serviceConfigs,
    files: documents.map((document) => document.file),
  };
}
