import { BUILTIN_TYPES } from './builtin-types.js';
import { CacheTypeError } from './cache-type-error.js';
import { isDataType, type DataType } from './data-type.js';

/** The JS built-ins usable directly as a type: `cache.get('animals', Set)`. */
export type BuiltinTypeToken =
  | StringConstructor
  | NumberConstructor
  | BooleanConstructor
  | BigIntConstructor
  | DateConstructor
  | SetConstructor
  | MapConstructor
  | Uint8ArrayConstructor
  | BufferConstructor
  | ArrayConstructor
  | ObjectConstructor;

/** A runtime data type: a built-in token, or a data type made by `struct`, `arrayOf`, `setOf`, `mapOf`. */
export type TypeToken = BuiltinTypeToken | DataType<unknown>;

/** The TypeScript type of the values a {@link TypeToken} decodes to. */
export type Decoded<K extends TypeToken> =
  K extends DataType<infer T>
    ? T
    : K extends BufferConstructor
      ? Buffer
      : K extends Uint8ArrayConstructor
        ? Uint8Array
        : K extends StringConstructor
          ? string
          : K extends NumberConstructor
            ? number
            : K extends BooleanConstructor
              ? boolean
              : K extends BigIntConstructor
                ? bigint
                : K extends DateConstructor
                  ? Date
                  : K extends SetConstructor
                    ? Set<unknown>
                    : K extends MapConstructor
                      ? Map<unknown, unknown>
                      : K extends ArrayConstructor
                        ? unknown[]
                        : K extends ObjectConstructor
                          ? Record<string, unknown>
                          : never;

/** The data type behind a token; throws `CacheTypeError` for anything else. */
export function resolveType<K extends TypeToken>(token: K): DataType<Decoded<K>>;
export function resolveType(token: unknown): DataType<unknown>;
export function resolveType(token: unknown): DataType<unknown> {
  if (typeof token === 'function') {
    const builtin = BUILTIN_TYPES.get(token);
    if (builtin !== undefined) return builtin;
    throw new CacheTypeError(
      `Unsupported cache type ${token.name === '' ? 'function' : token.name}; use one of ` +
        `${[...BUILTIN_TYPES.values()].map((type) => type.typeName).join(', ')} or struct(), arrayOf(), setOf(), mapOf()`,
    );
  }
  if (isDataType(token)) return token;
  throw new CacheTypeError(
    'Unsupported cache type: expected a built-in constructor or a data type made by struct()',
  );
}

/** A readable name of a type for messages: `Set`, `User`, `Array<User>`; `msgpack value` for none. */
export function describeType(token?: TypeToken): string {
  return token === undefined ? 'msgpack value' : resolveType(token).typeName;
}
