/**
 * A `Map` on its way to the wire, its entries flattened as `[k1, v1, k2, v2, …]`.
 *
 * msgpackr writes a `Map` as a plain msgpack map, which decodes back to an object, so the codec
 * swaps every `Map` for a `MapWire` before packing; the `m` extension (see packr.ts) writes it as a
 * tag followed by the entry array, like msgpackr's own `Set` tag, and reads it back as a `Map`.
 */
export class MapWire {
  constructor(readonly entries: readonly unknown[]) {}
}

/** Rebuilds a `Map` from the flattened entries the `m` extension read. */
export function mapFromWire(entries: unknown): Map<unknown, unknown> {
  if (!Array.isArray(entries) || entries.length % 2 !== 0) {
    throw new TypeError('MessagePack Map extension: expected an even-length array of entries');
  }
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < entries.length; i += 2) map.set(entries[i], entries[i + 1]);
  return map;
}

/**
 * Returns `value` with every `Map` inside it (at any depth of arrays, plain objects, `Set`s and
 * `Map`s) replaced by a {@link MapWire}. `value` is never mutated: containers are copied only on
 * the way to a `Map`, so a value without maps comes back as the same reference, allocation-free.
 */
export function tagMaps(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return tagArray(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return tagObject(value as Record<string, unknown>);
  if (value instanceof Map) return tagMap(value);
  if (value instanceof Set) return tagSet(value);
  return value;
}

function tagArray(array: readonly unknown[]): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const tagged = tagMaps(item);
    if (tagged !== item) {
      copy ??= array.slice();
      copy[i] = tagged;
    }
  }
  return copy ?? array;
}

function tagObject(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const item = object[key];
    const tagged = tagMaps(item);
    if (tagged !== item) {
      // The spread makes every key (even `__proto__`) an own data property, so this assignment
      // never reaches the `__proto__` setter.
      copy ??= { ...object };
      copy[key] = tagged;
    }
  }
  return copy ?? object;
}

function tagMap(map: ReadonlyMap<unknown, unknown>): MapWire {
  const entries: unknown[] = [];
  for (const [key, item] of map) entries.push(tagMaps(key), tagMaps(item));
  return new MapWire(entries);
}

function tagSet(set: ReadonlySet<unknown>): ReadonlySet<unknown> {
  let items: unknown[] | undefined;
  let index = 0;
  for (const item of set) {
    const tagged = tagMaps(item);
    if (items !== undefined) items.push(tagged);
    else if (tagged !== item) {
      items = [...set].slice(0, index);
      items.push(tagged);
    }
    index++;
  }
  return items === undefined ? set : new Set(items);
}
