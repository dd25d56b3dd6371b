/* Checks across the Sentinel settings of RedisTransportService, run at config load and at init. */
import type { IValidation } from 'typia';
import { parseHostPort } from './host-port.js';
import { isSentinelUrl } from './sentinel-url.js';

/** The settings {@link sentinelSettingsIssues} looks at (a part of `RedisTransportSettings`). */
export interface SentinelSettingsInput {
  readonly url?: string | undefined;
  readonly cluster?: boolean | undefined;
  readonly sentinels?: readonly unknown[] | undefined;
  readonly sentinelName?: string | undefined;
  readonly sentinelUsername?: string | undefined;
  readonly sentinelPassword?: string | undefined;
  readonly role?: string | undefined;
}

/** One problem found by {@link sentinelSettingsIssues}, in typia's error shape. */
export interface SentinelSettingsIssue extends IValidation.IError {
  /** The problem in words, for errors thrown at init. */
  readonly message: string;
}

/**
 * What is wrong in how the Sentinel settings combine with each other and with `cluster`:
 * sentinels with `cluster: true`, sentinels without `sentinelName`, an empty or malformed
 * sentinel list, Sentinel-only settings or `role: replica` without sentinels.
 */
export function sentinelSettingsIssues(settings: SentinelSettingsInput): SentinelSettingsIssue[] {
  const issues: SentinelSettingsIssue[] = [];
  const fromUrl = settings.url !== undefined && isSentinelUrl(settings.url);
  const sentinels = Array.isArray(settings.sentinels) ? settings.sentinels : undefined;
  const sentinel = fromUrl || settings.sentinels !== undefined;
  if (sentinel && settings.cluster === true) {
    issues.push({
      path: '$input.cluster',
      expected: 'false (boolean): Sentinel and Cluster exclude each other',
      value: true,
      message: 'cluster: true cannot be combined with sentinels (Sentinel and Cluster exclude each other)',
    });
  }
  if (sentinels !== undefined) {
    if (sentinels.length === 0) {
      issues.push({
        path: '$input.sentinels',
        expected: 'at least one sentinel address, "host:port" or { host, port }',
        value: sentinels,
        message: 'sentinels is empty',
      });
    }
    sentinels.forEach((entry, index) => {
      if (typeof entry === 'string' && parseHostPort(entry) === undefined) {
        issues.push({
          path: `$input.sentinels[${index}]`,
          expected: 'string "host:port"',
          value: entry,
          message: `sentinel ${JSON.stringify(entry)} is not "host:port"`,
        });
      }
    });
    if (!fromUrl && settings.sentinelName === undefined) {
      issues.push({
        path: '$input.sentinelName',
        expected: 'string: the master group name the sentinels monitor, required with sentinels',
        value: undefined,
        message: 'sentinelName (the master group name) is required with sentinels',
      });
    }
  }
  if (!sentinel) {
    const only = (['sentinelName', 'sentinelPassword', 'sentinelUsername'] as const).filter(
      (key) => settings[key] !== undefined,
    );
    if (only.length > 0) {
      const what = `${only.join(', ')} ${only.length === 1 ? 'applies' : 'apply'} only with sentinels`;
      issues.push({
        path: '$input.sentinels',
        expected: `(RedisNodeAddress | string)[]: ${what}`,
        value: undefined,
        message: `${what}, and none are set`,
      });
    }
    if (settings.role === 'replica') {
      issues.push({
        path: '$input.role',
        expected: '"master": role "replica" needs sentinels to find the replicas',
        value: 'replica',
        message: 'role "replica" needs sentinels to find the replicas',
      });
    }
  }
  return issues;
}

/**
 * Wraps a settings validator: {@link sentinelSettingsIssues} run too (also when typia found
 * other problems, so that every problem is reported at once; a path typia reported is not
 * reported twice).
 */
export function withSentinelChecks<T extends SentinelSettingsInput>(
  validate: (input: unknown) => IValidation<T>,
): (input: unknown) => IValidation<T> {
  return (input) => {
    const result = validate(input);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return result;
    const reported = new Set(result.success ? [] : result.errors.map((error) => error.path));
    const issues = sentinelSettingsIssues(input as SentinelSettingsInput).filter(
      (issue) => !reported.has(issue.path),
    );
    if (issues.length === 0) return result;
    return {
      success: false,
      data: input,
      errors: [
        ...(result.success ? [] : result.errors),
        ...issues.map(({ path, expected, value }) => ({ path, expected, value })),
      ],
    };
  };
}
