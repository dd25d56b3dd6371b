import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

/** Names that look like error codes but are not Keel's: environment variables and Node's own codes. */
const NOT_KEEL_CODES = /^(?:KEEL_\w+|REDIS_URL|ERR_\w+)$/;

/** Every quoted UPPER_SNAKE literal in the packages' sources: Keel's error codes are spelled this way. */
function codesInSources(): Map<string, string> {
  const codes = new Map<string, string>();
  const pattern = /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g;
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src');
    try {
      statSync(src);
    } catch {
      continue;
    }
    for (const file of sourceFiles(src)) {
      for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
        const code = match[1];
        if (code !== undefined && !NOT_KEEL_CODES.test(code)) codes.set(code, file.slice(root.length + 1));
      }
    }
  }
  return codes;
}

describe('docs/errors.md', () => {
  it('lists every error code thrown by the packages', () => {
    const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
    const codes = codesInSources();
    expect(codes.size).toBeGreaterThan(5);
    const missing = [...codes]
      .filter(([code]) => !doc.includes(`\`${code}\``))
      .map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });
});
