/** `schemaType()`: a cache data type from any Standard Schema (zod, valibot, arktype…), no compile step. */
import {
  isStandardSchema,
  type StandardSchemaV1,
  toValidateFunction,
  type ValidateFunction,
} from '@keel/core';
import { CacheTypeError } from './cache-type-error.js';
import type { DataType } from './data-type.js';
import { TypeMismatch } from './decode-issue.js';
import { schemaWireShape } from './schema-wire-shape.js';
import { type StructLayout, structOfShape, structShapeFromLayout } from './struct.js';
import { StructShape } from './struct-shape.js';
import { plainShape, type WireShape } from './wire-shape.js';

/** Options of {@link schemaType}. */
export interface SchemaTypeOptions<T> extends Partial<StructLayout<T>> {
  /**
   * `false`: store values as they are (objects as msgpack maps), so no field order is needed —
   * for schemas Keel cannot read when you do not want to list the fields. Default `true`.
   */
  readonly positional?: boolean;
}

/** A data type made by {@link schemaType}. */
export interface SchemaType<T> extends DataType<T> {
  /** Field names in wire order; empty when values are not stored positionally. */
  readonly fields: readonly string[];
}

/** Values validated by a schema and packed in a shape that is not a struct (arrays, unions…). */
class SchemaValueType<T> implements SchemaType<T> {
  readonly fields: readonly string[] = [];

  constructor(
    readonly typeName: string,
    readonly shape: WireShape,
    private readonly validate: ValidateFunction<T>,
  ) {}

  check(value: unknown): T {
    const result = this.validate(value);
    if (!result.success) throw new TypeMismatch(result.errors);
    return result.data;
  }
}

/**
 * Declares a cache data type from any [Standard Schema](https://standardschema.dev) — zod 3.24+
 * and 4, valibot 1, arktype 2… — for projects without the typia transform. Values are validated
 * by the schema on every write and every read (a mismatch on read is a `CacheDecodeError`), and
 * the value returned is the schema's output.
 *
 * Objects are stored positionally, like {@link struct}: a msgpack array of their field values in
 * wire order. That order comes from the schema for zod (`shape`) and valibot (`entries`), nested
 * objects and `z.uuid()` / `v.pipe(v.string(), v.uuid())` fields (16 bytes) included; for other
 * libraries (arktype…) pass `fields`, or `positional: false` to store objects as msgpack maps.
 *
 * ```ts
 * const User = z.object({ id: z.uuid(), name: z.string(), age: z.number().int() });
 * const UserType = schemaType(User, { name: 'User' });
 * await cache.set(key, user, { type: UserType }); // [16-byte id, name, age]
 * const again = await cache.get(key, UserType);   // z.infer<typeof User> | null
 *
 * const Point = type({ x: 'number', y: 'number' }); // arktype
 * const PointType = schemaType(Point, { name: 'Point', fields: ['x', 'y'] });
 * ```
 *
 * Only ever append fields — optional, at the end — to a type whose values are stored. The
 * schema's output must be valid input (the stored output is validated again on read): no
 * transforms that change the type. Validation must be synchronous; an async schema fails with
 * `SCHEMA_ASYNC_UNSUPPORTED` (valibot's `*Async` here; zod's async refinements on use, as the
 * cause of the `CacheEncodeError`/`CacheDecodeError`).
 *
 * @throws CacheTypeError when `schema` is not a Standard Schema, or its field order is needed but
 *   cannot be read and `fields` is not given, or the layout is inconsistent.
 */
export function schemaType<S extends StandardSchemaV1>(
  schema: S,
  options: SchemaTypeOptions<NoInfer<StandardSchemaV1.InferOutput<S>>> = {},
): SchemaType<StandardSchemaV1.InferOutput<S>> {
  if (!isStandardSchema(schema))
    throw new CacheTypeError('schemaType(): expected a Standard Schema (zod, valibot, arktype…)');
  type T = StandardSchemaV1.InferOutput<S>;
  const validate = toValidateFunction(schema) as ValidateFunction<T>;
  const { vendor } = schema['~standard'];
  const shape = shapeOf(schema, vendor, options);
  if (shape instanceof StructShape) return structOfShape(shape, validate as ValidateFunction<T & object>);
  return Object.freeze(new SchemaValueType<T>(options.name ?? `${vendor} value`, shape, validate));
}

function shapeOf(schema: unknown, vendor: string, options: SchemaTypeOptions<never>): WireShape {
  const { name, fields, uuid, nested } = options as SchemaTypeOptions<Record<string, unknown>>;
  if (options.positional === false) {
    if (fields !== undefined || uuid !== undefined || nested !== undefined)
      throw new CacheTypeError('schemaType(): fields, uuid and nested describe a positional layout');
    return plainShape;
  }
  if (fields !== undefined) {
    return structShapeFromLayout({
      fields,
      ...(name === undefined ? {} : { name }),
      ...(uuid === undefined ? {} : { uuid }),
      ...(nested === undefined ? {} : { nested }),
    });
  }
  if (uuid !== undefined || nested !== undefined)
    throw new CacheTypeError('schemaType(): uuid and nested need fields (the wire order)');
  const derived = schemaWireShape(vendor, schema, name ?? 'struct');
  if (derived !== undefined) return derived;
  if (vendor === 'typia') {
    throw new CacheTypeError(
      'schemaType(): a typia validator has no field order; use struct(validate, typia.reflect.schema<T>()) ' +
        'or pass { fields: [...] }',
    );
  }
  throw new CacheTypeError(
    `schemaType(): Keel cannot read the field order of a ${vendor} schema (it can for zod and ` +
      'valibot); pass { fields: [...] } to store objects positionally, or { positional: false } ' +
      'to store them as msgpack maps',
  );
}
