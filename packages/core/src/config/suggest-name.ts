import { closest, distance } from 'fastest-levenshtein';
import { toCamelCase } from './key-case.js';

/**
 * The candidate closest to a misspelt `input`, or `undefined` when none is reasonably close
 * (at most about a third of the letters differ). Case and snake/camel spelling are ignored.
 */
export function suggestName(input: string, candidates: Iterable<string>): string | undefined {
  const byForm = new Map<string, string>();
  for (const candidate of candidates) byForm.set(comparable(candidate), candidate);
  if (byForm.size === 0) return undefined;
  const target = comparable(input);
  const best = closest(target, [...byForm.keys()]);
  const allowed = Math.max(1, Math.round(Math.max(target.length, best.length) / 3));
  return distance(target, best) <= allowed ? byForm.get(best) : undefined;
}

function comparable(name: string): string {
  return toCamelCase(name).toLowerCase();
}
