/** What replaces a secret in text. */
export const SCRUBBED = '***';

/**
 * Replaces every occurrence of each secret (as written and URL-encoded) and any
 * `//user:password@` URL credentials in `text` by `***`.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text.replace(/(\/\/[^:@/\s]*):[^@/\s]+@/g, `$1:${SCRUBBED}@`);
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret === '') continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret containing another is replaced whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    result = result.split(form).join(SCRUBBED);
  }
  return result;
}

/**
 * A log- and throw-safe copy of `error`: same name and `code`, message and stack scrubbed of
 * `secrets`. Other properties (ioredis puts the failed command and its arguments, e.g. the
 * password of `AUTH`, on errors) are dropped.
 */
export function scrubError(error: unknown, secrets: readonly (string | undefined)[]): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(scrubSecrets(source.message, secrets));
  copy.name = source.name;
  copy.stack = scrubSecrets(source.stack ?? `${source.name}: ${source.message}`, secrets);
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}
