/** One validator type for typia validate functions and Standard Schemas, and the adapter between them. */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { IValidation } from 'typia';
import { KeelError } from '../errors/keel-error.js';
import { issuePath } from './issue-path.js';

export type { StandardSchemaV1 } from '@standard-schema/spec';

/** A typia validate function: `typia.createValidate<T>()` or `typia.createValidateEquals<T>()`. */
export type ValidateFunction<T = unknown> = (input: unknown) => IValidation<T>;

/**
 * What checks a value at run time: a typia validate function (needs the typia transform), or any
 * [Standard Schema](https://standardschema.dev) — zod 3.24+ and 4, valibot 1, arktype 2 — which
 * needs no compile step.
 */
export type Validator = ValidateFunction | StandardSchemaV1;

/** The type a validator accepts: a schema's input type, or typia's `T`. */
export type ValidatorInput<V> = V extends StandardSchemaV1
  ? StandardSchemaV1.InferInput<V>
  : V extends ValidateFunction<infer T>
    ? T
    : unknown;

/** The type a validator produces: a schema's output type (after defaults and transforms), or typia's `T`. */
export type ValidatorOutput<V> = V extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<V>
  : V extends ValidateFunction<infer T>
    ? T
    : unknown;

/** True for a Standard Schema (an object or function with a version-1 `~standard` member). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props: unknown = (value as { readonly '~standard'?: unknown })['~standard'];
  if (typeof props !== 'object' || props === null) return false;
  const { version, validate } = props as { readonly version?: unknown; readonly validate?: unknown };
  return version === 1 && typeof validate === 'function';
}

/** True for a {@link Validator}: a Standard Schema or a (typia) function. */
export function isValidator(value: unknown): value is Validator {
  return isStandardSchema(value) || typeof value === 'function';
}

/**
 * The validator as one function with typia's result shape: typia functions (which are Standard
 * Schemas too, vendor `typia`) are returned as they are; any other Standard Schema is wrapped so that its issues read like typia's (`path` in typia's
 * notation, `expected` the issue's `expected` when the library gives one — valibot, arktype,
 * zod's type errors — else its message, which for valibot and arktype would quote the value).
 * On success `data` is the schema's output value.
 *
 * Validation must be synchronous: a schema known to be async (valibot's `*Async`) is refused
 * here, and one whose `validate` returns a promise (zod's async refinements) throws when it does;
 * both with `SCHEMA_ASYNC_UNSUPPORTED`.
 */
export function toValidateFunction<V extends Validator>(validator: V): ValidateFunction<ValidatorOutput<V>> {
  // typia's functions are Standard Schemas too; called directly, they give typia's own issues.
  if (!isStandardSchema(validator) || isTypiaFunction(validator))
    return validator as ValidateFunction<ValidatorOutput<V>>;
  const props = validator['~standard'] as StandardSchemaV1.Props<unknown, ValidatorOutput<V>>;
  if ((validator as { readonly async?: unknown }).async === true) throw asyncSchemaError(props.vendor);
  return (input) => {
    const result = props.validate(input);
    if (isThenable(result)) {
      result.then(undefined, () => undefined); // its outcome is not used: never an unhandled rejection
      throw asyncSchemaError(props.vendor);
    }
    if (!result.issues) return { success: true, data: result.value };
    return { success: false, data: input, errors: result.issues.map((issue) => toTypiaError(issue, input)) };
  };
}

function isTypiaFunction(schema: unknown): boolean {
  return (
    typeof schema === 'function' && (schema as unknown as StandardSchemaV1)['~standard'].vendor === 'typia'
  );
}

function toTypiaError(issue: StandardSchemaV1.Issue, input: unknown): IValidation.IError {
  const keys = (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment));
  const { expected } = issue as { readonly expected?: unknown };
  return {
    path: issuePath(keys),
    expected: typeof expected === 'string' && expected !== '' ? expected : issue.message,
    value: valueAt(input, keys),
    description: issue.message,
  };
}

/** The value at `keys` in `input` (own properties only), or `undefined`. */
function valueAt(input: unknown, keys: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { readonly then?: unknown } | null)?.then === 'function';
}

function asyncSchemaError(vendor: string): KeelError {
  return new KeelError(
    'SCHEMA_ASYNC_UNSUPPORTED',
    `A ${vendor} schema validates asynchronously; Keel validates synchronously (RPC params before a ` +
      'call is admitted, cache values on every read): use a schema without async checks or transforms',
    { details: { vendor } },
  );
}
