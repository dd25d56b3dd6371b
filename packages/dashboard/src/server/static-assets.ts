// Serves the built single-page UI (web/) that ships inside the package: no CDN, no build step.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `vite build` puts the UI: `<package>/web`, the same from `src/` and `dist/`. */
export const UI_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * The page may load its own scripts, styles and images, and talk to its own origin; nothing
 * inline, nothing from elsewhere, never framed.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** The UI's files, read once into memory (the whole UI is a few hundred KB). */
export class StaticAssets {
  readonly #assets = new Map<string, Asset>();
  readonly #built: boolean;

  constructor(dir: string = UI_DIR) {
    this.#built = existsSync(join(dir, 'index.html'));
    if (!this.#built) return;
    for (const file of walk(dir)) {
      const path = relative(dir, file).split(sep).join('/');
      this.#assets.set(path, {
        body: readFileSync(file),
        type: TYPES[extname(file)] ?? 'application/octet-stream',
      });
    }
  }

  /**
   * Answers `path` (relative to the mount point, `''` for the page itself) when it is a file of
   * the UI; resolves `false` otherwise. Only files found at start are served, so no request
   * can reach outside the UI directory.
   */
  serve(path: string, res: ServerResponse): boolean {
    if (!this.#built) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The dashboard UI is not built: run `pnpm build` in packages/dashboard.\n');
      return true;
    }
    const name = path === '' ? 'index.html' : path;
    const asset = this.#assets.get(name);
    if (asset === undefined) return false;
    const page = name === 'index.html';
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.body.length,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control':
        page || !name.startsWith('assets/') ? 'no-cache' : 'public, max-age=31536000, immutable',
      ...(page ? { 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-frame-options': 'DENY' } : {}),
    });
    res.end(asset.body);
    return true;
  }
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
