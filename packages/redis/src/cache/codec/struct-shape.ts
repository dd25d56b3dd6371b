import { tagMaps } from './map-wire.js';
import type { WireShape } from './wire-shape.js';

/** One field of a {@link StructShape}: its property name and how its value is packed. */
export interface StructField {
  readonly name: string;
  readonly shape: WireShape;
}

/**
 * An object packed positionally: a msgpack array of its field values in declared order, trailing
 * `undefined`s left out (an `undefined` in the middle is msgpackr's 3-byte undefined marker).
 * Properties that are not fields are not written.
 */
export class StructShape implements WireShape {
  readonly plain = false;
  private fieldList: readonly StructField[] = [];
  private fieldNames: readonly string[] = [];

  /** @param name the type name, for messages. */
  constructor(readonly name: string) {}

  /** Field names in wire order. */
  get fields(): readonly string[] {
    return this.fieldNames;
  }

  /**
   * Sets the fields, once. Separate from the constructor so that a recursive type can refer to
   * its own shape.
   */
  define(fields: readonly StructField[]): void {
    this.fieldList = Object.freeze([...fields]);
    this.fieldNames = Object.freeze(fields.map((field) => field.name));
  }

  toWire(value: unknown): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return tagMaps(value);
    const record = value as Readonly<Record<string, unknown>>;
    const fields = this.fieldList;
    const out = new Array<unknown>(fields.length);
    let length = 0;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as StructField;
      const item = record[field.name];
      // A hole in the middle is packed as msgpackr's undefined marker, like `undefined`.
      if (item !== undefined) {
        out[i] = field.shape.toWire(item);
        length = i + 1;
      }
    }
    if (length < out.length) out.length = length;
    return out;
  }

  fromWire(wire: unknown): unknown {
    const fields = this.fieldList;
    // Not positional (a map written by another client, or a newer layout): left to the validator.
    if (!Array.isArray(wire) || wire.length > fields.length) return wire;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < wire.length; i++) {
      const item: unknown = wire[i];
      const field = fields[i];
      if (item !== undefined && field !== undefined) out[field.name] = field.shape.fromWire(item);
    }
    return out;
  }
}
