/**
 * One reason a value does not match its type: typia's `IValidation.IError` shape, also used for
 * the built-in type tokens so that every mismatch reads the same way.
 */
export interface DecodeIssue {
  /** Where the value is, `$input` being the whole value (e.g. `$input[2].age`). */
  readonly path: string;
  /** The type expected there. */
  readonly expected: string;
  /** The value found there. */
  readonly value: unknown;
  /** Extra explanation, when the validator gives one. */
  readonly description?: string;
}

/**
 * Thrown inside the codec when a value does not match a type; `encodeValue`/`decodeValue` turn it
 * into a `CacheEncodeError`/`CacheDecodeError`. Only created on the failure path.
 */
export class TypeMismatch extends Error {
  readonly issues: readonly DecodeIssue[];

  constructor(issues: readonly DecodeIssue[]) {
    super(issues.map(formatDecodeIssue).join('; '));
    this.name = 'TypeMismatch';
    this.issues = issues;
  }
}

/** Throws a {@link TypeMismatch} for a value at the root of a type check. */
export function mismatch(expected: string, value: unknown): never {
  throw new TypeMismatch([{ path: '$input', expected, value }]);
}

/** Rewrites the `$input` root of the issues of an element to `$input<suffix>` (e.g. `[3]`). */
export function nestIssues(issues: readonly DecodeIssue[], suffix: string): DecodeIssue[] {
  return issues.map((issue) => ({
    ...issue,
    path: issue.path.startsWith('$input')
      ? `$input${suffix}${issue.path.slice('$input'.length)}`
      : issue.path,
  }));
}

/** `$input.age: expected number, got string`, without printing the value itself. */
export function formatDecodeIssue(issue: DecodeIssue): string {
  return `${issue.path}: expected ${issue.expected}, got ${describeValue(issue.value)}`;
}

/** A short, log-safe name for what a value is: `string`, `null`, `Set`, `Array(3)`, `object`… */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return `Array(${value.length})`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return 'object';
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object';
}
