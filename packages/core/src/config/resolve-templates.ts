import type { ConfigIssue } from '../errors/config-error.js';
import { coerceValue } from './coerce-value.js';
import { formatPath, type PathSegment } from './config-path.js';
import { isPlainObject, type PlainObject } from './plain-object.js';
import { suggestName } from './suggest-name.js';

/** One source of template values. String values are coerced; other values are used as they are. */
export type TemplateLayer = Readonly<Record<string, unknown>>;

/** A whole-string template: `[key]` or `[key:default]`. */
const TEMPLATE = /^\[([A-Za-z_][A-Za-z0-9_.-]*)(?::([\s\S]*))?\]$/;

/**
 * Replaces whole-string templates (`"[key]"`, `"[key:default]"`) in a config tree with values
 * from layered sources. Not recursive: a substituted value is never scanned again.
 */
export class TemplateResolver {
  readonly #layers: TemplateLayer[];
  readonly #suggestable: string[];
  readonly #texts = new Map<string, string>();
  readonly #unresolved = new Set<string>();

  /**
   * @param layers sources from the highest precedence to the lowest.
   * @param suggestable keys that may be suggested for a misspelt template key.
   */
  constructor(layers: readonly TemplateLayer[], suggestable: readonly string[]) {
    this.#layers = [...layers];
    this.#suggestable = [...suggestable];
  }

  /** Adds a source below every other one (for built-in values such as `main_name`). */
  addFallbackLayer(layer: TemplateLayer): void {
    this.#layers.push(layer);
    this.#suggestable.push(...Object.keys(layer));
  }

  /** Path → the text a template value was coerced from, for values that are no longer text. */
  get texts(): ReadonlyMap<string, string> {
    return this.#texts;
  }

  /** Paths whose template had no value (issues below them would only repeat the problem). */
  get unresolved(): ReadonlySet<string> {
    return this.#unresolved;
  }

  /** Returns a copy of `value` with every template replaced; a missing key is an issue. */
  resolve(
    value: unknown,
    segments: readonly PathSegment[],
    fileOf: (segments: readonly PathSegment[]) => string,
    issues: ConfigIssue[],
  ): unknown {
    if (Array.isArray(value)) {
      return value.map((item: unknown, index) => this.resolve(item, [...segments, index], fileOf, issues));
    }
    if (isPlainObject(value)) {
      const out: PlainObject = {};
      for (const [key, item] of Object.entries(value))
        out[key] = this.resolve(item, [...segments, key], fileOf, issues);
      return out;
    }
    if (typeof value !== 'string') return value;
    const match = TEMPLATE.exec(value);
    if (match === null) return value;
    const key = match[1] ?? '';
    const fallback = match[2];
    const path = formatPath(segments);
    const found = this.#lookup(key);
    const raw = found === undefined ? fallback : found.value;
    if (found === undefined && fallback === undefined) {
      this.#unresolved.add(path);
      const suggestion = suggestName(key, this.#suggestable);
      issues.push({
        file: fileOf(segments),
        path,
        message: `no value for template key "${key}"`,
        ...(suggestion === undefined ? {} : { suggestion }),
      });
      return value;
    }
    if (typeof raw !== 'string') return structuredClone(raw);
    const coerced = coerceValue(raw);
    if (typeof coerced !== 'string') this.#texts.set(path, raw);
    return coerced;
  }

  #lookup(key: string): { readonly value: unknown } | undefined {
    for (const layer of this.#layers) {
      if (Object.hasOwn(layer, key) && layer[key] !== undefined) return { value: layer[key] };
    }
    return undefined;
  }
}
