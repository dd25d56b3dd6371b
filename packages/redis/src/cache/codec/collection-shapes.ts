import { MapWire, tagMaps } from './map-wire.js';
import type { WireShape } from './wire-shape.js';

/** An array whose elements have a non-plain shape (e.g. structs or UUIDs). */
export class ArrayShape implements WireShape {
  readonly plain: boolean;

  constructor(readonly element: WireShape) {
    this.plain = element.plain;
  }

  toWire(value: unknown): unknown {
    if (!Array.isArray(value)) return tagMaps(value);
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = this.element.toWire(value[i]);
    return out;
  }

  fromWire(wire: unknown): unknown {
    if (this.plain || !Array.isArray(wire)) return wire;
    for (let i = 0; i < wire.length; i++) wire[i] = this.element.fromWire(wire[i]);
    return wire;
  }
}

/** A `Set` whose elements have a non-plain shape. */
export class SetShape implements WireShape {
  readonly plain: boolean;

  constructor(readonly element: WireShape) {
    this.plain = element.plain;
  }

  toWire(value: unknown): unknown {
    if (!(value instanceof Set)) return tagMaps(value);
    const out = new Set<unknown>();
    for (const item of value) out.add(this.element.toWire(item));
    return out;
  }

  fromWire(wire: unknown): unknown {
    if (this.plain || !(wire instanceof Set)) return wire;
    const out = new Set<unknown>();
    for (const item of wire) out.add(this.element.fromWire(item));
    return out;
  }
}

/** A `Map` whose keys or values have a non-plain shape. */
export class MapShape implements WireShape {
  readonly plain: boolean;

  constructor(
    readonly key: WireShape,
    readonly value: WireShape,
  ) {
    this.plain = key.plain && value.plain;
  }

  toWire(value: unknown): unknown {
    if (!(value instanceof Map)) return tagMaps(value);
    const entries: unknown[] = [];
    for (const [k, v] of value) entries.push(this.key.toWire(k), this.value.toWire(v));
    return new MapWire(entries);
  }

  fromWire(wire: unknown): unknown {
    if (this.plain || !(wire instanceof Map)) return wire;
    const out = new Map<unknown, unknown>();
    for (const [k, v] of wire) out.set(this.key.fromWire(k), this.value.fromWire(v));
    return out;
  }
}
