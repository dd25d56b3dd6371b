import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway directory for config files. */
export interface TempFiles {
  readonly dir: string;
  /** Writes `text` (common indentation removed) to `name` in the directory; returns its path. */
  write(name: string, text: string): Promise<string>;
  remove(): Promise<void>;
}

export async function tempFiles(): Promise<TempFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'keel-config-'));
  return {
    dir,
    async write(name, text) {
      const path = join(dir, name);
      await writeFile(path, dedent(text));
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Removes the indentation shared by every non-blank line, and a leading newline. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(common)).join('\n');
}
