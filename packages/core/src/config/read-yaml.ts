import { readFile } from 'node:fs/promises';
import { FILE_PATH, parseYaml, type ParsedYaml } from './parse-yaml.js';

/** Reads and parses one config file; a missing or unreadable file is an issue, not a throw. */
export async function readYaml(file: string): Promise<ParsedYaml> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { issues: [{ file, path: FILE_PATH, message: describeReadError(error) }] };
  }
  return parseYaml(text, file);
}

/** A short reason for a failed file read (`file not found`, `permission denied`, ...). */
export function describeReadError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
}
