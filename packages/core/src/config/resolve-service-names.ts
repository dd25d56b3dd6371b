import type { ConfigIssue } from '../errors/config-error.js';
import type { ServiceConfig } from './app-config.js';
import { formatPath } from './config-path.js';
import type { ServiceEntryDraft } from './load-service-entry.js';
import { suggestName } from './suggest-name.js';

/**
 * Makes service names unique: a repeated name is an issue unless the later entry has
 * `override: true`, which then takes the earlier entry's place in the list. Then checks that
 * every `dependsOn` name is a service of the final list.
 */
export function resolveServiceNames(
  drafts: readonly ServiceEntryDraft[],
  issues: ConfigIssue[],
): ServiceConfig[] {
  const kept: ServiceEntryDraft[] = [];
  const positions = new Map<string, number>();
  for (const draft of drafts) {
    const { name } = draft.config;
    const position = positions.get(name);
    if (position === undefined) {
      positions.set(name, kept.length);
      kept.push(draft);
      continue;
    }
    if (draft.config.override) {
      kept[position] = draft;
      continue;
    }
    const earlier = kept[position]?.config.source;
    const nameKey = draft.spelling.get('name');
    issues.push({
      file: draft.config.source.file,
      path: formatPath(
        nameKey === undefined ? ['services', draft.index] : ['services', draft.index, nameKey],
      ),
      message:
        `duplicate service name "${name}" (already used by ${earlier?.path ?? 'an earlier entry'}` +
        `${earlier === undefined ? '' : ` in ${earlier.file}`}); set override: true to replace it`,
    });
  }
  const names = [...positions.keys()];
  for (const { index, config, spelling } of kept) {
    const field = spelling.get('dependsOn') ?? 'dependsOn';
    config.dependsOn.forEach((dependency, position) => {
      const where = { file: config.source.file, path: formatPath(['services', index, field, position]) };
      if (dependency === config.name) {
        issues.push({ ...where, message: 'a service cannot depend on itself', got: dependency });
      } else if (!positions.has(dependency)) {
        const suggestion = suggestName(dependency, names);
        issues.push({
          ...where,
          message: 'unknown service name',
          got: dependency,
          ...(suggestion === undefined ? {} : { suggestion }),
        });
      }
    });
  }
  return kept.map((draft) => draft.config);
}
