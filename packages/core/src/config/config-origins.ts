import type { PathSegment } from './config-path.js';

/**
 * Remembers which file set each part of the merged configuration, so that an issue found after
 * merging can still name the file it comes from.
 */
export class ConfigOrigins {
  readonly #files = new Map<string, string>();
  readonly #fallback: string;

  /** `fallback` is reported for paths no file set (the last file, usually). */
  constructor(fallback: string) {
    this.#fallback = fallback;
  }

  /** Records that `file` set the value at `segments` (and everything below it). */
  set(segments: readonly PathSegment[], file: string): void {
    this.#files.set(key(segments), file);
  }

  /** The file that set the value at `segments`, or the closest enclosing value. */
  fileOf(segments: readonly PathSegment[]): string {
    for (let length = segments.length; length >= 0; length -= 1) {
      const file = this.#files.get(key(segments.slice(0, length)));
      if (file !== undefined) return file;
    }
    return this.#fallback;
  }
}

function key(segments: readonly PathSegment[]): string {
  return JSON.stringify(segments);
}
