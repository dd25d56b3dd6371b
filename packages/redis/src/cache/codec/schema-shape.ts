import type { IMetadataComponents, IMetadataSchema, IMetadataSchemaUnit } from 'typia';
import { CacheTypeError } from './cache-type-error.js';
import { ArrayShape, MapShape, SetShape } from './collection-shapes.js';
import { StructShape } from './struct-shape.js';
import { plainShape, uuidShape, type WireShape } from './wire-shape.js';

/**
 * The positional shape of the object type described by `typia.reflect.schema<T>()`: fields in
 * declaration order; a property whose type is a single object type (optionally `null`/`?`) is a
 * nested struct, `string & tags.Format<'uuid'>` is packed as 16 bytes, and arrays, `Set`s and
 * `Map`s of those are converted element-wise. Anything else (unions, `Date`, `bigint`, records
 * with dynamic keys…) is packed as is.
 */
export function structShapeFromSchema(unit: IMetadataSchemaUnit): StructShape {
  const shapes = new SchemaShapes(unit.components);
  const root = shapes.resolveAlias(unit.schema);
  const object = root?.objects[0];
  if (
    root === undefined ||
    object === undefined ||
    variantCount(root) !== 1 ||
    root.nullable ||
    !root.required
  ) {
    throw new CacheTypeError(
      'struct(): the schema must describe a single object type (typia.reflect.schema<T>())',
    );
  }
  const shape = shapes.object(object.name);
  if (!(shape instanceof StructShape)) {
    throw new CacheTypeError(`struct(): ${object.name} has keys that are not declared property names`);
  }
  return shape;
}

class SchemaShapes {
  private readonly objects = new Map<string, WireShape>();

  constructor(private readonly components: IMetadataComponents) {}

  /** Follows a schema that is exactly one non-recursive alias to what it names. */
  resolveAlias(schema: IMetadataSchema): IMetadataSchema | undefined {
    let current = schema;
    for (let hops = 0; hops < 32; hops++) {
      const ref = current.aliases[0];
      if (ref === undefined || variantCount(current) !== 1) return current;
      const alias = this.components.aliases.find((candidate) => candidate.name === ref.name);
      if (alias === undefined || alias.recursive) return undefined;
      current = alias.value;
    }
    return undefined;
  }

  of(schema: IMetadataSchema): WireShape {
    if (schema.any || variantCount(schema) !== 1) return plainShape;
    const [atomic] = schema.atomics;
    if (atomic !== undefined) return isUuidAtomic(atomic) ? uuidShape : plainShape;
    const [object] = schema.objects;
    if (object !== undefined) return this.object(object.name);
    const [array] = schema.arrays;
    if (array !== undefined) {
      const type = this.components.arrays.find((candidate) => candidate.name === array.name);
      if (type === undefined || type.recursive) return plainShape;
      const element = this.of(type.value);
      return element.plain ? plainShape : new ArrayShape(element);
    }
    const [set] = schema.sets;
    if (set !== undefined) {
      const element = this.of(set.value);
      return element.plain ? plainShape : new SetShape(element);
    }
    const [map] = schema.maps;
    if (map !== undefined) {
      const shape = new MapShape(this.of(map.key), this.of(map.value));
      return shape.plain ? plainShape : shape;
    }
    if (schema.aliases.length === 1) {
      const target = this.resolveAlias(schema);
      return target === undefined || target === schema ? plainShape : this.of(target);
    }
    return plainShape;
  }

  object(name: string): WireShape {
    const known = this.objects.get(name);
    if (known !== undefined) return known;
    const type = this.components.objects.find((candidate) => candidate.name === name);
    const keys = type?.properties.map((property) => propertyName(property.key));
    if (type === undefined || keys === undefined || !keys.every((key) => key !== undefined)) {
      this.objects.set(name, plainShape);
      return plainShape;
    }
    assertFieldNames(name, keys);
    const shape = new StructShape(name);
    this.objects.set(name, shape); // before the fields: a recursive type finds itself
    shape.define(
      type.properties.map((property, i) => ({ name: keys[i] ?? '', shape: this.of(property.value) })),
    );
    return shape;
  }
}

/** Rejects names the codec cannot assign safely or unambiguously. */
export function assertFieldNames(typeName: string, names: readonly string[]): void {
  if (names.includes('__proto__'))
    throw new CacheTypeError(`struct ${typeName}: a field may not be named __proto__`);
  if (new Set(names).size !== names.length)
    throw new CacheTypeError(`struct ${typeName}: duplicate field names`);
}

function propertyName(key: IMetadataSchema): string | undefined {
  if (variantCount(key) !== 1 || key.nullable || !key.required) return undefined;
  const [constant] = key.constants;
  const [value] = constant?.values ?? [];
  return constant?.type === 'string' && constant.values.length === 1 && typeof value?.value === 'string'
    ? value.value
    : undefined;
}

function isUuidAtomic(atomic: IMetadataSchema.IAtomic): boolean {
  return (
    atomic.type === 'string' &&
    atomic.tags.length > 0 &&
    atomic.tags.every((row) => row.some((tag) => tag.kind === 'format' && tag.value === 'uuid'))
  );
}

/** How many alternatives a schema allows besides `null`/`undefined`. */
function variantCount(schema: IMetadataSchema): number {
  return (
    schema.atomics.length +
    schema.constants.length +
    schema.templates.length +
    schema.arrays.length +
    schema.tuples.length +
    schema.objects.length +
    schema.aliases.length +
    schema.natives.length +
    schema.sets.length +
    schema.maps.length +
    schema.functions.length +
    (schema.escaped === null ? 0 : 1) +
    (schema.rest === null ? 0 : 1)
  );
}
