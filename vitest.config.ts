import { fileURLToPath } from 'node:url';
import typia from '@typia/unplugin/vite';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  plugins: [typia({ cache: true })],
  resolve: {
    // Tests always run against the sources, never a stale dist/.
    alias: {
      '@keel/core': src('core'),
      '@keel/redis': src('redis'),
      '@keel/test-utils': src('test-utils'),
      '@keel/cli': src('cli'),
      '@keel/amqp': src('amqp'),
      '@keel/dashboard': src('dashboard'),
    },
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    // Test files mostly wait on redis-server processes, not on the CPU: three run at once even
    // on two cores (vitest's default would be one), which makes the suite about three times faster.
    maxWorkers: 3,
  },
});
