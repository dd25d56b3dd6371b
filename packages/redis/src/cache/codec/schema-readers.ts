/** What zod (3.24+, 4) and valibot (1) schemas say about their structure, read from their own objects. */

/** One schema node, as far as the wire shape cares. */
export type SchemaNode =
  /** An object: its fields in declared order, each with its schema. */
  | { readonly kind: 'object'; readonly fields: readonly (readonly [string, unknown])[] }
  /** optional, nullable, default…: packed like the schema it wraps. */
  | { readonly kind: 'wrapped'; readonly inner: unknown }
  | { readonly kind: 'array' | 'set'; readonly element: unknown }
  | { readonly kind: 'map'; readonly key: unknown; readonly value: unknown }
  /** A UUID string, packed as 16 bytes. */
  | { readonly kind: 'uuid' }
  /** Anything else (and anything with a transform): packed as it is. */
  | { readonly kind: 'plain' };

/** Reads one node of a library's schema. */
export type SchemaReader = (schema: unknown) => SchemaNode;

type Bag = Readonly<Record<string, unknown>>;

const PLAIN: SchemaNode = { kind: 'plain' };

function bag(value: unknown): Bag {
  return (typeof value === 'object' || typeof value === 'function') && value !== null ? (value as Bag) : {};
}

function fieldsOf(shape: unknown): SchemaNode {
  // Object.entries runs zod 4's getters, which is how recursive zod objects are declared.
  return { kind: 'object', fields: Object.entries(bag(shape)) };
}

const ZOD4_WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'nonoptional',
  'readonly',
  'catch',
]);

/** zod 4 (classic and mini): `schema._zod.def`. */
function readZod4(def: Bag): SchemaNode {
  const type = def['type'];
  if (typeof type !== 'string') return PLAIN;
  if (type === 'object') return fieldsOf(def['shape']);
  if (ZOD4_WRAPPERS.has(type)) return { kind: 'wrapped', inner: def['innerType'] };
  if (type === 'array') return { kind: 'array', element: def['element'] };
  if (type === 'set') return { kind: 'set', element: def['valueType'] };
  if (type === 'map') return { kind: 'map', key: def['keyType'], value: def['valueType'] };
  if (type === 'string') {
    const checks = Array.isArray(def['checks']) ? (def['checks'] as unknown[]) : [];
    const isUuid = (item: Bag): boolean => item['format'] === 'uuid';
    if (isUuid(def) || checks.some((check) => isUuid(bag(bag(bag(check)['_zod'])['def']))))
      return { kind: 'uuid' };
  }
  return PLAIN;
}

const ZOD3_WRAPPERS = new Set(['ZodOptional', 'ZodNullable', 'ZodDefault', 'ZodReadonly', 'ZodCatch']);

/** zod 3 (3.24+, or `zod/v3`): `schema._def.typeName`. */
function readZod3(schema: Bag, def: Bag): SchemaNode {
  const type = def['typeName'];
  if (type === 'ZodObject') return fieldsOf(schema['shape']);
  if (typeof type === 'string' && ZOD3_WRAPPERS.has(type))
    return { kind: 'wrapped', inner: def['innerType'] };
  if (type === 'ZodEffects' && bag(def['effect'])['type'] === 'refinement')
    return { kind: 'wrapped', inner: def['schema'] };
  if (type === 'ZodArray') return { kind: 'array', element: def['type'] };
  if (type === 'ZodSet') return { kind: 'set', element: def['valueType'] };
  if (type === 'ZodMap') return { kind: 'map', key: def['keyType'], value: def['valueType'] };
  if (type === 'ZodString' && Array.isArray(def['checks'])) {
    if ((def['checks'] as unknown[]).some((check) => bag(check)['kind'] === 'uuid')) return { kind: 'uuid' };
  }
  return PLAIN;
}

/** zod 3 and 4. */
export const readZod: SchemaReader = (schema) => {
  const value = bag(schema);
  const zod4 = bag(value['_zod'])['def'];
  if (zod4 !== undefined) return readZod4(bag(zod4));
  return readZod3(value, bag(value['_def']));
};

const VALIBOT_OBJECTS = new Set(['object', 'loose_object', 'strict_object', 'object_with_rest']);
const VALIBOT_WRAPPERS = new Set([
  'optional',
  'exact_optional',
  'nullable',
  'nullish',
  'undefinedable',
  'non_optional',
  'non_nullable',
  'non_nullish',
]);

/** valibot 1: `schema.type`, `schema.entries`, `schema.pipe`. */
export const readValibot: SchemaReader = (schema) => {
  const value = bag(schema);
  const type = value['type'];
  if (value['kind'] !== 'schema' || typeof type !== 'string') return PLAIN;
  const pipe = Array.isArray(value['pipe']) ? (value['pipe'] as unknown[]).map(bag) : [];
  // A transform changes the value: what is stored is no longer the shape the schema describes.
  if (pipe.some((action) => action['kind'] === 'transformation')) return PLAIN;
  if (VALIBOT_OBJECTS.has(type)) return fieldsOf(value['entries']);
  if (VALIBOT_WRAPPERS.has(type)) return { kind: 'wrapped', inner: value['wrapped'] };
  if (type === 'array') return { kind: 'array', element: value['item'] };
  if (type === 'set') return { kind: 'set', element: value['value'] };
  if (type === 'map') return { kind: 'map', key: value['key'], value: value['value'] };
  if (type === 'string' && pipe.some((action) => action['type'] === 'uuid')) return { kind: 'uuid' };
  return PLAIN;
};

/** The reader for each Standard Schema vendor Keel can read. */
export const SCHEMA_READERS: ReadonlyMap<string, SchemaReader> = new Map([
  ['zod', readZod],
  ['valibot', readValibot],
]);
