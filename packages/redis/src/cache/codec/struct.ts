import type { IMetadataSchemaUnit, IValidation } from 'typia';
import { CacheTypeError } from './cache-type-error.js';
import type { DataType } from './data-type.js';
import { mismatch, TypeMismatch } from './decode-issue.js';
import { assertFieldNames, structShapeFromSchema } from './schema-shape.js';
import { StructShape } from './struct-shape.js';
import { plainShape, uuidShape } from './wire-shape.js';

/** A typia validator: `typia.createValidate<T>()` or `typia.createValidateEquals<T>()`. */
export type StructValidator<T> = (input: unknown) => IValidation<T>;

/**
 * The field layout of a struct, written by hand — for when `typia.reflect.schema<T>()` is not
 * wanted. `fields` is the wire order: append new (optional) fields at the end, never reorder.
 */
export interface StructLayout<T> {
  /** Type name for errors (default `struct`). */
  readonly name?: string;
  /** Every field, in wire order. */
  readonly fields: readonly (keyof T & string)[];
  /** Fields holding UUID strings, stored as 16 bytes. */
  readonly uuid?: readonly (keyof T & string)[];
  /** Fields holding other structs (or `arrayOf(struct)`…), stored positionally too. */
  readonly nested?: { readonly [K in keyof T & string]?: DataType<unknown> };
}

/** A struct type: a {@link DataType} whose values are packed positionally and validated by typia. */
export interface StructType<T extends object> extends DataType<T> {
  readonly shape: StructShape;
  /** Field names in wire order. */
  readonly fields: readonly string[];
}

class Struct<T extends object> implements StructType<T> {
  readonly typeName: string;
  readonly fields: readonly string[];

  constructor(
    readonly shape: StructShape,
    private readonly validate: StructValidator<T>,
  ) {
    this.typeName = shape.name;
    this.fields = shape.fields;
  }

  check(value: unknown): T {
    if (Array.isArray(value)) return mismatch(this.typeName, value);
    const result = this.validate(value);
    if (!result.success) throw new TypeMismatch(result.errors);
    return result.data;
  }
}

/**
 * Declares a struct type for the cache: values are stored as a msgpack array of their field
 * values in declared order (no keys, UUIDs as 16 bytes, nested structs positional too), and
 * validated with typia whenever they are written or read.
 *
 * Name the type once in each typia call; `T` is inferred:
 *
 * ```ts
 * import typia, { tags } from 'typia';
 *
 * interface User {
 *   id: string & tags.Format<'uuid'>; // stored as 16 bytes
 *   name: string;
 *   email: string & tags.Format<'email'>;
 *   age: number;
 *   createdAt: Date;
 *   address?: Address;                // nested struct, positional too
 * }
 * const UserType = struct(typia.createValidate<User>(), typia.reflect.schema<User>());
 *
 * const bytes = encodeValue(user, UserType);          // [16-byte id, name, email, age, date]
 * const again = decodeValue(bytes, UserType, 'key');  // a User, validated
 * // through RedisCache: cache.get(key, UserType)
 * ```
 *
 * The field order comes from `typia.reflect.schema<T>()`, which lists properties in declaration
 * order. (`typia.misc.literals<keyof T>()` does not keep that order and must not be used for it.)
 * Because values are positional, only ever append new fields — optional, at the end — to a type
 * whose values are stored. Properties that are not declared fields are not stored.
 *
 * Without the schema, give the layout by hand:
 * `struct(typia.createValidate<User>(), { name: 'User', fields: ['id', 'name', …], uuid: ['id'],
 * nested: { address: AddressType } })`.
 *
 * A struct type also reads values stored as plain msgpack maps (e.g. written without a type, or
 * by another language): they are validated as they are.
 *
 * @param validate `typia.createValidate<T>()` (or `createValidateEquals<T>()` to refuse extra
 *   properties).
 * @param layout `typia.reflect.schema<T>()`, or a hand-written {@link StructLayout}.
 * @throws CacheTypeError when the schema is not a single object type or the layout is inconsistent.
 */
export function struct<T extends object>(
  validate: StructValidator<T>,
  layout: IMetadataSchemaUnit | StructLayout<NoInfer<T>>,
): StructType<T> {
  const shape = 'schema' in layout ? structShapeFromSchema(layout) : structShapeFromLayout(layout);
  return structOfShape(shape, validate);
}

/** A struct type of a shape already built (by a layout or a schema reader). */
export function structOfShape<T extends object>(
  shape: StructShape,
  validate: StructValidator<T>,
): StructType<T> {
  return Object.freeze(new Struct(shape, validate));
}

/** The shape of a hand-written {@link StructLayout}; throws `CacheTypeError` when it is inconsistent. */
export function structShapeFromLayout<T>(layout: StructLayout<T>): StructShape {
  const name = layout.name ?? 'struct';
  const fields: readonly string[] = layout.fields;
  assertFieldNames(name, fields);
  const uuid: readonly string[] = layout.uuid ?? [];
  const nested: Readonly<Record<string, DataType<unknown> | undefined>> = layout.nested ?? {};
  for (const field of [...uuid, ...Object.keys(nested)]) {
    if (!fields.includes(field))
      throw new CacheTypeError(`struct ${name}: ${field} is not one of its fields`);
  }
  const shape = new StructShape(name);
  shape.define(
    fields.map((field) => ({
      name: field,
      shape: Object.hasOwn(nested, field)
        ? (nested[field]?.shape ?? plainShape)
        : uuid.includes(field)
          ? uuidShape
          : plainShape,
    })),
  );
  return shape;
}
