import type { IValidation } from 'typia';
import type { ConfigIssue } from '../errors/config-error.js';
import { formatPath, type PathSegment } from './config-path.js';
import { spellLike } from './key-case.js';
import { suggestName } from './suggest-name.js';

/** Where typia's errors were found and how to name them. */
export interface TypiaIssueContext {
  /** The file an issue at this (full, as-written) path comes from. */
  readonly fileOf: (segments: readonly PathSegment[]) => string;
  /** Path of the validated map, e.g. `services[4].settings`. */
  readonly base: readonly PathSegment[];
  /** camelCase key → the key as the user wrote it. */
  readonly spelling: ReadonlyMap<string, string>;
  /** Every valid top-level key, for suggestions. */
  readonly keys: readonly string[];
  /** What a top-level key is called in messages: `setting`, `field`, `key`. */
  readonly noun: string;
}

const SEGMENT = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/**
 * Turns typia validation errors into issues: `$input.maxBatchSize` becomes
 * `services[4].settings.max_batch_size` (spelled as in the file), `expected` comes from typia,
 * `got` is the offending value, and an unknown key gets the closest valid name.
 */
export function typiaIssues(
  errors: readonly IValidation.IError[],
  context: TypiaIssueContext,
): ConfigIssue[] {
  const order = [...context.spelling.keys()];
  const rank = (error: IValidation.IError): number => {
    const first = parseTypiaPath(error.path)[0];
    const index = typeof first === 'string' ? order.indexOf(first) : -1;
    return index === -1 ? order.length : index;
  };
  // typia reports in declaration order; report in the order the file is written instead.
  const sorted = errors.map((error) => ({ error, rank: rank(error) })).sort((a, b) => a.rank - b.rank);
  return sorted.map(({ error }) => toIssue(error, context));
}

function toIssue(error: IValidation.IError, context: TypiaIssueContext): ConfigIssue {
  const relative = parseTypiaPath(error.path);
  const first = relative[0];
  const topLevel = relative.length === 1 && typeof first === 'string';
  const written = typeof first === 'string' ? (context.spelling.get(first) ?? first) : undefined;
  if (written !== undefined) relative[0] = written;
  const segments = [...context.base, ...relative];
  const path = formatPath(segments);
  const file = context.fileOf(segments);
  const expected = cleanExpected(error.expected);
  if (expected === 'undefined') {
    const suggestion = topLevel && written !== undefined ? suggestName(written, context.keys) : undefined;
    return {
      file,
      path,
      message: topLevel ? `unknown ${context.noun}` : 'unknown key',
      got: error.value,
      ...(suggestion === undefined || written === undefined
        ? {}
        : { suggestion: spellLike(suggestion, written) }),
    };
  }
  if (error.value === undefined) {
    return { file, path, message: `missing required ${context.noun}`, expected };
  }
  return { file, path, message: describeMismatch(expected, error.value), expected, got: error.value };
}

/** `$input.a[0]["b-c"]` → `['a', 0, 'b-c']`; an unparseable rest is kept as one segment. */
export function parseTypiaPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const prefix = '$input';
  let index = path.startsWith(prefix) ? prefix.length : 0;
  while (index < path.length) {
    SEGMENT.lastIndex = index;
    const match = SEGMENT.exec(path);
    if (match === null) {
      segments.push(path.slice(index));
      break;
    }
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3] ?? '""') as string);
    index = SEGMENT.lastIndex;
  }
  return segments;
}

/**
 * Drops `undefined` from a top-level union and the parentheses around it:
 * `(string | undefined)` → `string`, `(number & Type<"uint32">)` → `number & Type<"uint32">`.
 */
export function cleanExpected(expected: string): string {
  let text = expected;
  while (text.startsWith('(') && text.endsWith(')')) {
    const members = splitTopLevelUnion(text.slice(1, -1));
    if (members === undefined) return text;
    const kept = members.filter((member) => member !== 'undefined');
    if (kept.length !== 1) return kept.length === 0 ? 'undefined' : kept.join(' | ');
    text = kept[0] ?? '';
  }
  return text;
}

function splitTopLevelUnion(text: string): string[] | undefined {
  const members: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '(' || char === '<' || char === '[' || char === '{') depth += 1;
    else if (char === ')' || char === '>' || char === ']' || char === '}') depth -= 1;
    else if (char === '|' && depth === 0) {
      members.push(text.slice(start, index).trim());
      start = index + 1;
    }
    if (depth < 0) return undefined;
  }
  members.push(text.slice(start).trim());
  return members;
}

function describeMismatch(expected: string, got: unknown): string {
  const kind = got === null ? 'null' : Array.isArray(got) ? 'Array' : typeof got;
  const members = splitTopLevelUnion(expected) ?? [expected];
  const mentioned = members.some(
    (member) => new RegExp(`\\b${kind}\\b`).test(member) || (kind === 'string' && member.startsWith('"')),
  );
  return mentioned ? 'invalid value' : 'wrong type';
}
