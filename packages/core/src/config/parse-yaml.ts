import { CORE_SCHEMA, loadAll, mergeTag, YAMLException } from 'js-yaml';
import type { ConfigIssue } from '../errors/config-error.js';
import { isPlainObject, type PlainObject } from './plain-object.js';
import { toPlainData } from './to-plain-data.js';

/** YAML 1.2 core schema plus `<<` merge keys. Maps are built without a prototype. */
const CONFIG_SCHEMA = CORE_SCHEMA.withTags(mergeTag);

/** Path used in issues about a file as a whole (syntax errors, unreadable files). */
export const FILE_PATH = '(file)';

/** The result of parsing one config file: the top-level map when it could be parsed. */
export interface ParsedYaml {
  readonly document?: PlainObject;
  readonly issues: readonly ConfigIssue[];
}

/**
 * Parses the text of one config file. A syntax error becomes an issue with 1-based line and
 * column; an empty file is an empty map; `__proto__` keys are dropped with an issue.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  let documents: unknown[];
  try {
    documents = loadAll(text, { schema: CONFIG_SCHEMA, filename: file });
  } catch (error) {
    return { issues: [syntaxIssue(error, file)] };
  }
  if (documents.length > 1) {
    return {
      issues: [{ file, path: FILE_PATH, message: `expected one YAML document, found ${documents.length}` }],
    };
  }
  const root = documents[0] ?? null;
  if (root === null) return { document: {}, issues: [] };
  if (!isPlainObject(root)) {
    return {
      issues: [{ file, path: FILE_PATH, message: 'the file must hold a map', expected: 'a map', got: root }],
    };
  }
  const issues: ConfigIssue[] = [];
  const document = toPlainData(root, file, issues) as PlainObject;
  return { document, issues };
}

function syntaxIssue(error: unknown, file: string): ConfigIssue {
  if (error instanceof YAMLException) {
    const mark = error.mark;
    return {
      file,
      path: FILE_PATH,
      message: `YAML syntax error: ${error.reason}`,
      ...(mark === undefined ? {} : { line: mark.line + 1, column: mark.column + 1 }),
    };
  }
  return {
    file,
    path: FILE_PATH,
    message: `YAML error: ${error instanceof Error ? error.message : String(error)}`,
  };
}
