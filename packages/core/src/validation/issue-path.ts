/** Issue paths in typia's notation (`$input.user.name`, `$input.items[2]`, `$input["a-b"]`). */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `path` followed by one key: `.name` for identifiers, `[2]` for indexes, `["a-b"]` otherwise. */
export function appendPathKey(path: string, key: PropertyKey): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (typeof key === 'symbol') return `${path}[${key.toString()}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The typia-style path of a list of keys, rooted at `$input`. */
export function issuePath(keys: Iterable<PropertyKey>): string {
  let path = '$input';
  for (const key of keys) path = appendPathKey(path, key);
  return path;
}
