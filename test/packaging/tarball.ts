// Reads a packed package (.tgz): its file list and its package.json, with the system's tar.
import { execFileSync } from 'node:child_process';

/** The paths in a tarball, without npm's leading `package/`, sorted. */
export function tarballEntries(tarball: string): string[] {
  return execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
    .sort();
}

/** The text of one file of a tarball (`path` without `package/`). */
export function tarballFile(tarball: string, path: string): string {
  return execFileSync('tar', ['xzOf', tarball, `package/${path}`], { encoding: 'utf8' });
}

/** The packed package.json. */
export function tarballManifest(tarball: string): Record<string, unknown> {
  return JSON.parse(tarballFile(tarball, 'package.json')) as Record<string, unknown>;
}
