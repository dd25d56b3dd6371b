/** The positional wire shape of a zod or valibot schema: object fields in order, nested objects, UUIDs. */
import { ArrayShape, MapShape, SetShape } from './collection-shapes.js';
import { assertFieldNames } from './schema-shape.js';
import { SCHEMA_READERS, type SchemaReader } from './schema-readers.js';
import { StructShape } from './struct-shape.js';
import { plainShape, uuidShape, type WireShape } from './wire-shape.js';

/** Deeper schemas are packed as they are (a guard against schemas that build themselves forever). */
const MAX_DEPTH = 64;

/**
 * The wire shape of a schema of a library Keel can read (`vendor` zod or valibot), or
 * `undefined` for any other. Objects become positional {@link StructShape}s with their fields in
 * declared order (nested ones too, also inside optional/nullable/default and arrays, Sets and
 * Maps), UUID strings are packed as 16 bytes, and anything else — unions, records, lazy schemas,
 * transforms — is packed as it is.
 *
 * @param name the type name, for messages (nested objects are `<name>.<field>`).
 */
export function schemaWireShape(vendor: string, schema: unknown, name: string): WireShape | undefined {
  const reader = SCHEMA_READERS.get(vendor);
  return reader === undefined ? undefined : new ShapeBuilder(reader).of(schema, name, 0);
}

class ShapeBuilder {
  /** Object schemas already seen: a recursive object refers to its own shape. */
  private readonly objects = new Map<unknown, StructShape>();

  constructor(private readonly read: SchemaReader) {}

  of(schema: unknown, name: string, depth: number): WireShape {
    if (depth > MAX_DEPTH) return plainShape;
    const known = this.objects.get(schema);
    if (known !== undefined) return known;
    const node = this.read(schema);
    switch (node.kind) {
      case 'object': {
        const fields = node.fields.map(([field]) => field);
        assertFieldNames(name, fields);
        const shape = new StructShape(name);
        this.objects.set(schema, shape); // before the fields: a recursive object finds itself
        shape.define(
          node.fields.map(([field, child]) => ({
            name: field,
            shape: this.of(child, `${name}.${field}`, depth + 1),
          })),
        );
        return shape;
      }
      case 'wrapped':
        return this.of(node.inner, name, depth + 1);
      case 'array':
      case 'set': {
        const element = this.of(node.element, name, depth + 1);
        if (element.plain) return plainShape;
        return node.kind === 'array' ? new ArrayShape(element) : new SetShape(element);
      }
      case 'map': {
        const shape = new MapShape(this.of(node.key, name, depth + 1), this.of(node.value, name, depth + 1));
        return shape.plain ? plainShape : shape;
      }
      case 'uuid':
        return uuidShape;
      case 'plain':
        return plainShape;
    }
  }
}
