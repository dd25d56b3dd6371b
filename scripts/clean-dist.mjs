#!/usr/bin/env node
// Removes dist/ before a build, so files whose sources were deleted or renamed are never packed.
// Usage: node ../../scripts/clean-dist.mjs   (run from a package directory)
import { rmSync } from 'node:fs';
import { join } from 'node:path';

rmSync(join(process.cwd(), 'dist'), { recursive: true, force: true });
