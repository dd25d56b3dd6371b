/**
 * A key mask in redis_keyspace_amqp's simple syntax (Rob Pike's matcher), not a regular
 * expression:
 *
 * - `c` matches the literal character `c`;
 * - `.` matches any single character;
 * - `^` at the start anchors the mask to the beginning of the key;
 * - `$` at the end anchors it to the end of the key;
 * - `x*` matches zero or more `x` (`.*`: anything).
 *
 * Without `^` the mask may match anywhere in the key (`user` matches `a:user:1`). `^` and `$`
 * are literal characters anywhere else; there is no escaping, no classes, no `+`/`?`.
 */
export type KeyMask = string;

/** The mask that matches every key (other masks listed with it are ignored). */
export const ALL_KEYS_MASK = 'ALL';

function matchStar(
  c: string,
  mask: readonly string[],
  m: number,
  key: readonly string[],
  k: number,
): boolean {
  let i = k;
  for (;;) {
    if (matchHere(mask, m, key, i)) return true;
    if (i >= key.length || (key[i] !== c && c !== '.')) return false;
    i++;
  }
}

function matchHere(mask: readonly string[], m: number, key: readonly string[], k: number): boolean {
  if (m >= mask.length) return true;
  const c = mask[m] as string;
  if (mask[m + 1] === '*') return matchStar(c, mask, m + 2, key, k);
  if (c === '$' && m + 1 === mask.length) return k === key.length;
  if (k < key.length && (c === '.' || c === key[k])) return matchHere(mask, m + 1, key, k + 1);
  return false;
}

/** True when `key` matches `mask` (see {@link KeyMask}); characters are Unicode code points. */
export function matchKeyMask(mask: KeyMask, key: string): boolean {
  const m = Array.from(mask);
  const k = Array.from(key);
  if (m[0] === '^') return matchHere(m, 1, k, 0);
  for (let i = 0; i <= k.length; i++) if (matchHere(m, 0, k, i)) return true;
  return false;
}

/**
 * A predicate for several masks OR-ed together; `ALL` among them (or an empty list) matches
 * every key.
 */
export function keyMaskFilter(masks: readonly KeyMask[]): (key: string) => boolean {
  if (masks.length === 0 || masks.includes(ALL_KEYS_MASK)) return () => true;
  const list = [...masks];
  return (key) => list.some((mask) => matchKeyMask(mask, key));
}
