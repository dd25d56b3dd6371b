import { ArrayShape, MapShape, SetShape } from './collection-shapes.js';
import type { DataType } from './data-type.js';
import { mismatch, nestIssues, TypeMismatch } from './decode-issue.js';
import { resolveType, type Decoded, type TypeToken } from './type-token.js';
import { plainShape, type WireShape } from './wire-shape.js';

/** Checks one element, re-rooting its issues under `suffix` (e.g. `[3]`). */
function checkElement<T>(type: DataType<T>, value: unknown, suffix: string): T {
  try {
    return type.check(value);
  } catch (error) {
    if (error instanceof TypeMismatch) throw new TypeMismatch(nestIssues(error.issues, suffix));
    throw error;
  }
}

class ArrayOf<T> implements DataType<T[]> {
  readonly typeName: string;
  readonly shape: WireShape;

  constructor(private readonly element: DataType<T>) {
    this.typeName = `Array<${element.typeName}>`;
    this.shape = element.shape.plain ? plainShape : new ArrayShape(element.shape);
  }

  check(value: unknown): T[] {
    if (!Array.isArray(value)) return mismatch(this.typeName, value);
    let copy: T[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const checked = checkElement(this.element, item, `[${i}]`);
      if (checked !== item) {
        copy ??= value.slice() as T[];
        copy[i] = checked;
      }
    }
    return copy ?? (value as T[]);
  }
}

class SetOf<T> implements DataType<Set<T>> {
  readonly typeName: string;
  readonly shape: WireShape;

  constructor(private readonly element: DataType<T>) {
    this.typeName = `Set<${element.typeName}>`;
    this.shape = element.shape.plain ? plainShape : new SetShape(element.shape);
  }

  check(value: unknown): Set<T> {
    if (!(value instanceof Set)) return mismatch(this.typeName, value);
    let items: T[] | undefined;
    let index = 0;
    for (const item of value as Set<unknown>) {
      const checked = checkElement(this.element, item, `[${index}]`);
      if (items !== undefined) items.push(checked);
      else if (checked !== item) {
        items = [...(value as Set<T>)].slice(0, index);
        items.push(checked);
      }
      index++;
    }
    return items === undefined ? (value as Set<T>) : new Set(items);
  }
}

class MapOf<K, V> implements DataType<Map<K, V>> {
  readonly typeName: string;
  readonly shape: WireShape;

  constructor(
    private readonly key: DataType<K>,
    private readonly value: DataType<V>,
  ) {
    this.typeName = `Map<${key.typeName}, ${value.typeName}>`;
    const shape = new MapShape(key.shape, value.shape);
    this.shape = shape.plain ? plainShape : shape;
  }

  check(value: unknown): Map<K, V> {
    if (!(value instanceof Map)) return mismatch(this.typeName, value);
    let entries: [K, V][] | undefined;
    let index = 0;
    for (const [k, v] of value as Map<unknown, unknown>) {
      const key = checkElement(this.key, k, `[${index}][0]`);
      const item = checkElement(this.value, v, `[${index}][1]`);
      if (entries !== undefined) entries.push([key, item]);
      else if (key !== k || item !== v) {
        entries = [...(value as Map<K, V>)].slice(0, index);
        entries.push([key, item]);
      }
      index++;
    }
    return entries === undefined ? (value as Map<K, V>) : new Map(entries);
  }
}

/** An array whose every element is of `element`'s type: `arrayOf(UserType)`, `arrayOf(Date)`. */
export function arrayOf<E extends TypeToken>(element: E): DataType<Decoded<E>[]> {
  return Object.freeze(new ArrayOf(resolveType(element)));
}

/** A `Set` whose every element is of `element`'s type. */
export function setOf<E extends TypeToken>(element: E): DataType<Set<Decoded<E>>> {
  return Object.freeze(new SetOf(resolveType(element)));
}

/** A `Map` whose keys and values are of the given types: `mapOf(String, UserType)`. */
export function mapOf<K extends TypeToken, V extends TypeToken>(
  key: K,
  value: V,
): DataType<Map<Decoded<K>, Decoded<V>>> {
  return Object.freeze(new MapOf(resolveType(key), resolveType(value)));
}
