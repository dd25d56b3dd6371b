import { expect } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../../src/errors/config-error.js';

/** Awaits `promise`, expects it to reject with a ConfigError, and returns its issues. */
export async function configIssues(promise: Promise<unknown>): Promise<readonly ConfigIssue[]> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).issues;
}

/** Runs `fn`, expects it to throw a ConfigError, and returns its issues. */
export function configIssuesOf(fn: () => unknown): readonly ConfigIssue[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  expect.fail('expected a ConfigError');
}
