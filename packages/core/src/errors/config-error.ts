import { KeelError } from './keel-error.js';

/** One problem found in a configuration. */
export interface ConfigIssue {
  /** The file the problem is in, when known. */
  readonly file?: string;
  /** YAML path of the offending value, e.g. `services[4].settings.maxBatchSize`. */
  readonly path: string;
  /** What is wrong, in a sentence. */
  readonly message: string;
  /** What was expected there (a type or a list of names). */
  readonly expected?: string;
  /** What was found there. */
  readonly got?: unknown;
  /** The closest valid name, for typos. */
  readonly suggestion?: string;
  /** 1-based line and column, for YAML syntax errors. */
  readonly line?: number;
  readonly column?: number;
}

/** Formats one issue as a single human-readable line. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = [issue.file, issue.line === undefined ? undefined : `${issue.line}:${issue.column ?? 1}`]
    .filter((part) => part !== undefined)
    .join(':');
  const parts = [`${where === '' ? '' : `${where}: `}${issue.path}: ${issue.message}`];
  if (issue.expected !== undefined) parts.push(`expected ${issue.expected}`);
  if ('got' in issue) parts.push(`got ${safeStringify(issue.got)}`);
  if (issue.suggestion !== undefined) parts.push(`did you mean "${issue.suggestion}"?`);
  return parts.join('; ');
}

function safeStringify(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function' || typeof value === 'symbol') return typeof value;
  try {
    return JSON.stringify(value);
  } catch {
    return typeof value === 'bigint' ? `${value}n` : Object.prototype.toString.call(value);
  }
}

/** Every problem of a configuration, reported together before anything starts. */
export class ConfigError extends KeelError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: { cause?: unknown } = {}) {
    const lines = issues.map((issue) => `  - ${formatConfigIssue(issue)}`);
    super(
      'CONFIG_INVALID',
      `Invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
      { ...options, details: { issues } },
    );
    this.issues = issues;
  }
}
