#!/usr/bin/env node
// Copies non-TypeScript assets (e.g. .lua scripts) from src/ to dist/, keeping their paths.
// Usage: node ../../scripts/copy-assets.mjs .lua [.ext...]   (run from a package directory)
import { cpSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';

const extensions = new Set(process.argv.slice(2));
const src = join(process.cwd(), 'src');
const dist = join(process.cwd(), 'dist');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

for (const file of walk(src)) {
  if (!extensions.has(extname(file))) continue;
  const target = join(dist, relative(src, file));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(file, target);
}
