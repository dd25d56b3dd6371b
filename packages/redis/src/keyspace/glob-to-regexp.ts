/** Characters with a meaning in a RegExp outside a class (escaped to match themselves). */
const REGEXP_SYNTAX = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', '/']);
/** Characters with a meaning inside a RegExp class. */
const CLASS_SYNTAX = new Set(['\\', ']', '[', '^', '-']);

function literal(char: string): string {
  return REGEXP_SYNTAX.has(char) ? `\\${char}` : char;
}

function classLiteral(char: string): string {
  return CLASS_SYNTAX.has(char) ? `\\${char}` : char;
}

/** Reads a pattern one character (code point) at a time. */
class Cursor {
  readonly #chars: readonly string[];
  #index = 0;

  constructor(text: string) {
    this.#chars = Array.from(text);
  }

  /** The character `offset` ahead, without consuming it. */
  peek(offset = 0): string | undefined {
    return this.#chars[this.#index + offset];
  }

  /** Consumes and returns the next character. */
  next(): string | undefined {
    const char = this.#chars[this.#index];
    if (char !== undefined) this.#index++;
    return char;
  }
}

/**
 * Translates a bracket expression whose `[` was consumed, up to and including its `]` (like
 * Redis, an unclosed `[` runs to the end of the pattern), into a RegExp class.
 */
function translateClass(cursor: Cursor): string {
  const negate = cursor.peek() === '^';
  if (negate) cursor.next();
  const parts: string[] = [];
  for (let char = cursor.next(); char !== undefined && char !== ']'; char = cursor.next()) {
    if (char === '\\') {
      const escaped = cursor.next();
      parts.push(classLiteral(escaped ?? '\\'));
      continue;
    }
    const end = cursor.peek(1);
    if (cursor.peek() === '-' && end !== undefined && end !== ']') {
      cursor.next();
      cursor.next();
      // Redis accepts reversed ranges ([z-a] is [a-z]).
      const [low, high] = char <= end ? [char, end] : [end, char];
      parts.push(`${classLiteral(low)}-${classLiteral(high)}`);
      continue;
    }
    parts.push(classLiteral(char));
  }
  if (parts.length === 0) return negate ? '[^]' : '[]';
  return `[${negate ? '^' : ''}${parts.join('')}]`;
}

/**
 * The source of a RegExp (without anchors) matching what the Redis glob `pattern` matches, as
 * `KEYS`, `SCAN MATCH` and `PSUBSCRIBE` understand it: `*` any run of characters (also empty),
 * `?` one character, `[abc]` / `[a-z]` / `[^abc]` a class (an unclosed `[` runs to the end of
 * the pattern), and `\x` the character `x` itself. Everything else matches itself.
 * Redis compares bytes; here `?` and classes match one Unicode character (code point).
 */
export function globToRegExpSource(pattern: string): string {
  const cursor = new Cursor(pattern);
  let source = '';
  for (let char = cursor.next(); char !== undefined; char = cursor.next()) {
    switch (char) {
      case '*':
        while (cursor.peek() === '*') cursor.next();
        source += '.*';
        break;
      case '?':
        source += '.';
        break;
      case '[':
        source += translateClass(cursor);
        break;
      case '\\':
        source += literal(cursor.next() ?? '\\');
        break;
      default:
        source += literal(char);
    }
  }
  return source;
}

/** A RegExp that tests whether a whole string matches the Redis glob `pattern` (see {@link globToRegExpSource}). */
export function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${globToRegExpSource(pattern)}$`, 'su');
}

/** True when `pattern` uses no glob syntax, so it matches only the string itself. */
export function isLiteralGlob(pattern: string): boolean {
  return !/[*?[\\]/.test(pattern);
}

/** Escapes `text` so that, as a Redis glob, it matches exactly itself (e.g. a key prefix). */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}
