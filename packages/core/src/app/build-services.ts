import { closest, distance } from 'fastest-levenshtein';
import type { AppConfig, ServiceConfig } from '../config/app-config.js';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import type { Logger } from '../logger/create-logger.js';
import {
  type AppContext,
  type DependencySpec,
  type Service,
  type ServiceContext,
  setResolvedDependencies,
} from '../services/service.js';
import type { RegisteredServiceClass, ServiceRegistry } from '../services/service-registry.js';
import { ServiceContainer } from './service-container.js';

/** A built service with its config and the services it must start after. */
export interface BuiltService {
  readonly service: Service;
  readonly config: ServiceConfig;
  readonly cls: RegisteredServiceClass;
  /** Services that must be initialised before this one (declared classes and `dependsOn`). */
  readonly dependsOn: ReadonlySet<BuiltService>;
}

/** The result of building: services in init order and the container holding them. */
export interface BuiltServices {
  readonly container: ServiceContainer;
  /** Dependency order; list order (with `initFirst` classes moved to the front) breaks ties. */
  readonly initOrder: readonly BuiltService[];
}

/**
 * Constructs every enabled service (no I/O), binds them in the container, resolves declared
 * dependencies and orders them. Every problem is collected into one {@link ConfigError}.
 */
export function buildServices(
  config: AppConfig,
  registry: ServiceRegistry,
  app: AppContext,
  logger: Logger,
  container: ServiceContainer,
): BuiltServices {
  const issues: ConfigIssue[] = [];
  const built: MutableBuiltService[] = [];

  for (const entry of config.services) {
    if (!entry.enabled) continue;
    const cls = registry.get(entry.cls);
    if (cls === undefined) {
      issues.push(issueAt(entry, '.cls', `unknown service class "${entry.cls}"`));
      continue;
    }
    const context: ServiceContext<object> = {
      app,
      name: entry.name,
      settings: Object.freeze({ ...entry.settings }),
      logger: logger.child({ service: entry.name }),
    };
    try {
      const Ctor = cls as unknown as new (context: ServiceContext<object>) => Service;
      const service = new Ctor(context);
      container.add(service);
      built.push({ service, config: entry, cls, dependsOn: new Set() });
    } catch (error) {
      issues.push(issueAt(entry, '', `could not be constructed: ${errorMessage(error)}`));
    }
  }

  const byService = new Map(built.map((b) => [b.service, b] as const));
  const byName = new Map(built.map((b) => [b.service.name, b] as const));

  for (const entry of built) {
    const resolved = new Map<DependencySpec, Service | undefined>();
    for (const spec of entry.cls.dependencies) {
      const result = resolveDependency(entry, spec, container, config);
      if ('issue' in result) {
        issues.push(result.issue);
        continue;
      }
      resolved.set(spec, result.service);
      const target = result.service === undefined ? undefined : byService.get(result.service);
      if (target !== undefined) entry.dependsOn.add(target);
    }
    setResolvedDependencies(entry.service, resolved);
    for (const name of entry.config.dependsOn) {
      const target = byName.get(name);
      if (target === undefined) {
        const disabled = config.services.some((s) => s.name === name && !s.enabled);
        issues.push(
          issueAt(
            entry.config,
            '.dependsOn',
            disabled ? `depends on "${name}", which is disabled` : `depends on unknown service "${name}"`,
          ),
        );
      } else if (target !== entry) {
        entry.dependsOn.add(target);
      }
    }
  }

  // `static initFirst` classes go to the front of the list: list order breaks ties.
  const listed = [
    ...built.filter((entry) => entry.cls.initFirst === true),
    ...built.filter((entry) => entry.cls.initFirst !== true),
  ];
  const initOrder = issues.length === 0 ? orderByDependencies(listed, issues) : [];
  if (issues.length > 0) throw new ConfigError(issues);
  return { container, initOrder };
}

interface MutableBuiltService extends BuiltService {
  readonly dependsOn: Set<BuiltService>;
}

type Resolution = { service: Service | undefined } | { issue: ConfigIssue };

function resolveDependency(
  entry: { service: Service; config: ServiceConfig },
  spec: DependencySpec,
  container: ServiceContainer,
  config: AppConfig,
): Resolution {
  const { service, config: entryConfig } = entry;
  const wanted = spec.cls.name;
  const named = spec.setting === undefined ? undefined : entryConfig.settings[spec.setting];
  if (typeof named === 'string') {
    const path = `.settings.${spec.setting ?? ''}`;
    if (!container.has(named)) {
      const disabled = config.services.some((s) => s.name === named && !s.enabled);
      const names = container.all().map((s) => s.name);
      const suggestion = disabled ? undefined : suggest(named, names);
      return {
        issue: {
          ...issueAt(
            entryConfig,
            path,
            disabled
              ? `service "${service.name}" needs "${named}" (${wanted}), which is disabled`
              : `service "${service.name}" needs "${named}" (${wanted}), which does not exist`,
          ),
          ...(suggestion === undefined ? {} : { suggestion }),
        },
      };
    }
    const target = container.get(named);
    const targetClass = (target as object).constructor.name;
    if (!(target instanceof spec.cls)) {
      return {
        issue: issueAt(
          entryConfig,
          path,
          `service "${service.name}" needs a ${wanted}, but "${named}" is a ${targetClass}`,
        ),
      };
    }
    return { service: target };
  }
  const candidates = container.findAll(spec.cls).filter((s) => s !== service);
  const [only] = candidates;
  if (candidates.length === 1) return { service: only };
  if (candidates.length === 0) {
    if (spec.optional === true) return { service: undefined };
    return {
      issue: issueAt(
        entryConfig,
        '',
        `service "${service.name}" needs a ${wanted}, and none is configured (add "- cls: ${wanted}")`,
      ),
    };
  }
  const names = candidates.map((s) => `"${s.name}"`).join(', ');
  const how =
    spec.setting === undefined
      ? 'give the others distinct classes'
      : `set settings.${spec.setting} to one name`;
  return {
    issue: issueAt(
      entryConfig,
      '',
      `service "${service.name}" needs one ${wanted}, but ${candidates.length} exist (${names}): ${how}`,
    ),
  };
}

/** Kahn's algorithm; among ready services the earliest in the list goes first. */
function orderByDependencies(entries: readonly BuiltService[], issues: ConfigIssue[]): BuiltService[] {
  const done = new Set<BuiltService>();
  const order: BuiltService[] = [];
  while (order.length < entries.length) {
    const next = entries.find((e) => !done.has(e) && [...e.dependsOn].every((d) => done.has(d)));
    if (next === undefined) {
      const stuck = entries.filter((e) => !done.has(e));
      const first = stuck[0];
      if (first !== undefined) {
        issues.push(
          issueAt(
            first.config,
            '',
            `dependency cycle between ${stuck.map((e) => `"${e.service.name}"`).join(', ')}`,
          ),
        );
      }
      break;
    }
    done.add(next);
    order.push(next);
  }
  return order;
}

function issueAt(entry: ServiceConfig, suffix: string, message: string): ConfigIssue {
  return { file: entry.source.file, path: `${entry.source.path}${suffix}`, message };
}

function suggest(name: string, names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const best = closest(name, [...names]);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
